using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Health;

/// <summary>
/// Every <see cref="HealthOptions.HostCheckIntervalSeconds"/>: checks every host (a few at a time) and the
/// repository's free space. A round that fails is logged and the next one comes; the portal's stop cancels a round.
/// </summary>
internal sealed partial class HostCheckService(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    HostChecker checker,
    ArchiveRepository repository,
    IOperationalEvents events,
    IClock clock,
    IOptions<HealthOptions> options,
    ILogger<HostCheckService> logger) : BackgroundService
{
    private bool _repositoryLow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.HostCheckIntervalSeconds)));
        do
        {
            try
            {
                await CheckAllAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A round that failed (the database away) must not end the checks for good.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "A round of host checks failed; the next round comes at the next interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);
}
