using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrPortal.Infrastructure.Health;

/// <summary>Ready when MariaDB answers a query: every task, schedule and archive is a row there first.</summary>
internal sealed class DatabaseReadiness(IDbContextFactory<DrPortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // CanConnect swallows the reason; the reason goes to the log through the health check service, never to the caller.
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("MariaDB cannot be reached.");
    }
}
