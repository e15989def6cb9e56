using DrPortal.Core.Archives;
using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>The recurring job behind the verify schedule: queues a verify task per pair.</summary>
internal sealed class VerifyAllJob(IRepositoryVerification verification)
{
    /// <summary>Deterministic, so re-registering at every start replaces the job instead of adding one.</summary>
    public const string RecurringId = "verify-repository";

    public const string Actor = "verify schedule";

    // A missed week is caught by the next slot; retrying would only find the tasks it already queued.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Verify every restore point")]
    public Task RunAsync(CancellationToken ct) => verification.RequestAllAsync(Actor, ct);
}
