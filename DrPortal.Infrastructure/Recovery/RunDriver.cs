namespace DrPortal.Infrastructure.Recovery;

/// <summary>Drives one run to its end (filled in by the run coordinator).</summary>
internal sealed class RunDriver
{
    public Task RunAsync(long runId, CancellationToken ct) => Task.CompletedTask;
}
