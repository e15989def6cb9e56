using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrPortal.Infrastructure.Health;

/// <summary>Ready when the Hangfire server that executes tasks has sent a heartbeat recently.</summary>
internal sealed class JobServerReadiness(JobStorage storage) : IHealthCheck
{
    /// <summary>Hangfire beats every 30 s by default; two missed beats mean the server is gone.</summary>
    private static readonly TimeSpan HeartbeatAge = TimeSpan.FromSeconds(75);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        var running = storage.GetMonitoringApi().Servers().Any(s =>
            s.Queues.Contains(Jobs.JobQueues.Tasks, StringComparer.Ordinal)
            && s.Heartbeat is { } beat && now - beat < HeartbeatAge);
        return Task.FromResult(running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The task server is not running."));
    }
}
