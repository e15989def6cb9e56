using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Health;

/// <summary>
/// Every <see cref="HealthOptions.HostCheckIntervalSeconds"/>: checks every host (a few at a time) and the
/// repository's free space. A round that fails is logged and the next one comes; the portal's stop cancels a round.
/// </summary>
internal sealed class HostCheckService(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    HostChecker checker,
    ArchiveRepository repository,
    IOperationalEvents events,
    IClock clock,
    IOptions<HealthOptions> options,
    ILogger<HostCheckService> logger) : PeriodicRoundService(logger)
{
    private bool _repositoryLow;

    protected override string RoundName => "host checks";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.Value.HostCheckIntervalSeconds));

    protected override Task RunRoundAsync(CancellationToken ct) => CheckAllAsync(ct);

    /// <summary>One round: every host, at most <see cref="HealthOptions.HostCheckConcurrency"/> at once, then the repository.</summary>
    internal async Task CheckAllAsync(CancellationToken ct)
    {
        List<int> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            ids = await db.Hypervisors.AsNoTracking().OrderBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
        }
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.HostCheckConcurrency), CancellationToken = ct },
            async (id, token) => await checker.CheckAsync(id, token));
        CheckRepository();
    }

    private void CheckRepository()
    {
        var free = repository.FreeBytes(repository.Root);
        var minimum = options.Value.RepositoryMinimumFreeBytes;
        var low = free < minimum;
        if (low && !_repositoryLow)
        {
            events.Publish(new OperationalEvent(OperationalEventKind.RepositorySpaceLow, EventSeverity.Warning,
                "The portal's repository is low on space", clock.UtcNow.UtcDateTime,
                $"Only {ByteSize.Format(free)} free (threshold {ByteSize.Format(minimum)})."));
        }
        _repositoryLow = low;
    }
}
