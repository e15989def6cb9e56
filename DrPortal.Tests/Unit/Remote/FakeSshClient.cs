namespace DrPortal.Tests.Unit.Remote;

/// <summary>Stands in for an SSH.NET client in the pool's bookkeeping: alive until told otherwise, and knows whether it was closed.</summary>
internal sealed class FakeSshClient(int number) : IDisposable
{
    public int Number { get; } = number;

    public bool Alive { get; set; } = true;

    public int Disposals { get; private set; }

    public void Dispose() => Disposals++;
}
