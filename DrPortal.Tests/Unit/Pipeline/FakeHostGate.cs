using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>Every host is free: the pipeline tests are about stages, the host locks have their own tests against the lab.</summary>
internal sealed class FakeHostGate : IHostGate
{
    public List<string> Taken { get; } = [];

    public Task<IDisposable> AcquireAsync(Hypervisor host, Func<Task> onWait, CancellationToken ct)
    {
        Taken.Add(host.Name);
        return Task.FromResult<IDisposable>(new MemoryStream());
    }
}
