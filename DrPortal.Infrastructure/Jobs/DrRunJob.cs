using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>The Hangfire job of one drill, failover or failback run: it drives the run (<see cref="Recovery.RunDriver"/>) until it has ended.</summary>
internal sealed class DrRunJob(Recovery.RunDriver driver)
{
    // The run row holds its state and the reconciler resumes it at start: Hangfire must never run it again on its own.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Run {0}")]
    public Task RunAsync(long runId, CancellationToken ct) => driver.RunAsync(runId, ct);
}
