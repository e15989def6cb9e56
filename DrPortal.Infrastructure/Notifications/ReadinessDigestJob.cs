using Hangfire;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>The recurring job behind the weekly readiness digest.</summary>
internal sealed class ReadinessDigestJob(ReadinessDigestService digest)
{
    /// <summary>Deterministic, so re-registering at every start or save replaces the job instead of adding one.</summary>
    public const string RecurringId = "readiness-digest";

    // A retry would send the digest again to the targets that took it; a failed target is listed among the deliveries.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Weekly DR readiness digest")]
    public Task RunAsync(CancellationToken ct) => digest.SendScheduledAsync(ct);
}
