using System.Globalization;
using System.Threading.Channels;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>
/// Prunes a pair's archives by a schedule's retention policy, on all three copies: the primary host's, the
/// recovery host's and the repository's. The decision is <see cref="RetentionPlan"/>'s, the same the preview shows.
/// </summary>
internal sealed partial class RetentionApplier(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IArchiveTransport transport,
    IOptions<DrPortalOptions> options,
    IClock clock,
    ILogger<RetentionApplier> logger) : IRetentionPruner, IDisposable
{
    // One prune at a time: two runs finishing together must not decide over the same archives concurrently.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Applies the schedule's policy now; returns the decisions (the deleted ones are gone, unless a host refused).</summary>
    public async Task<IReadOnlyList<RetentionDecision>> ApplyAsync(int scheduleId, CancellationToken ct) =>
        await ApplyAsync(scheduleId, $"retention of schedule #{scheduleId}", ct) ?? [];

    public async Task<Result<IReadOnlyList<RetentionDecision>>> PruneNowAsync(int scheduleId, string actor, CancellationToken ct)
    {
        var decisions = await ApplyAsync(scheduleId, $"{actor} (prune now, schedule #{scheduleId})", ct);
        return decisions is null
            ? Result<IReadOnlyList<RetentionDecision>>.NotFound($"Schedule {scheduleId} does not exist.")
            : Result<IReadOnlyList<RetentionDecision>>.Ok(decisions);
    }

    /// <summary>Null when the schedule does not exist; with no policy every archive is kept and nothing is touched.</summary>
    private async Task<IReadOnlyList<RetentionDecision>?> ApplyAsync(int scheduleId, string actor, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var schedule = await db.Schedules.AsNoTracking().Include(s => s.VmPair).ThenInclude(p => p!.SourceHypervisor)
                .Include(s => s.VmPair).ThenInclude(p => p!.TargetHypervisor).FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
            if (schedule?.VmPair is not { } pair)
            {
                return null;
            }
            var archives = await db.Archives.AsNoTracking().Where(a => a.VmPairId == pair.Id).ToListAsync(ct);
            var decisions = RetentionPlan.Decide(schedule.Retention, archives, await InUseAsync(db, ct), TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));
            foreach (var doomed in decisions.Where(d => !d.Keep))
            {
                try
                {
                    await DeleteAsync(doomed.Archive.Id, pair.SourceHypervisor!, pair.TargetHypervisor!, actor, ct);
                }
                catch (TransferException ex)
                {
                    // The row stays, so the next run tries again; nothing is half-forgotten.
                    LogDeleteFailed(logger, ex, doomed.Archive.FileName, scheduleId);
                }
            }
            return decisions;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeleteAsync(long archiveId, Hypervisor source, Hypervisor target, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archive = await db.Archives.FirstOrDefaultAsync(a => a.Id == archiveId, ct);
        // Checked again here: a restore of this archive may have been requested since the decision.
        if (archive is null || (await InUseAsync(db, ct)).Contains(archiveId))
        {
            return;
        }
        if (archive.OnPrimary)
        {
            var paths = new List<string> { RemotePath(source, archive.FileName) };
            if (archive.LogFileName is { } log)
            {
                paths.Add(RemotePath(source, log));
            }
            await transport.RemoveRemoteAsync(source, paths, ct);
        }
        if (archive.OnRecovery)
        {
            await transport.RemoveRemoteAsync(target, [RemotePath(target, archive.FileName)], ct);
        }
        db.Archives.Remove(archive);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "prune", "Archive", archiveId.ToString(CultureInfo.InvariantCulture),
            $"Pruned archive {archive.FileName} of {archive.SourceHypervisorName}/{archive.SourceVmId} by {actor}", archive, null));
        await db.SaveChangesAsync(ct);
        Tasks.ArchiveStore.DeleteRepositoryCopy(options.Value, archive);
    }

    public void Dispose() => _gate.Dispose();

    private static async Task<IReadOnlySet<long>> InUseAsync(DrPortalDbContext db, CancellationToken ct) =>
        (await db.Tasks.AsNoTracking().Where(t => t.ActiveKey != null && t.ArchiveId != null).Select(t => t.ArchiveId!.Value).ToListAsync(ct)).ToHashSet();

    // Where the task pipeline puts archives on a host (TaskRunner.RemotePath).
    private static string RemotePath(Hypervisor host, string fileName) => $"{host.DumpDirectory.TrimEnd('/')}/{fileName}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention of schedule {ScheduleId} could not delete {FileName}; it is kept and retried after the next run")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string fileName, int scheduleId);
}

/// <summary>
/// Applies a schedule's retention after each successful run it queued. Listens to the task feed, so the task
/// pipeline knows nothing of retention; the work happens off the publisher's thread.
/// </summary>
internal sealed partial class RetentionAfterRuns(
    ITaskFeed feed,
    IDbContextFactory<DrPortalDbContext> dbFactory,
    RetentionApplier applier,
    ILogger<RetentionAfterRuns> logger) : BackgroundService
{
    private readonly Channel<long> _succeeded = Channel.CreateUnbounded<long>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(u =>
        {
            if (u.Status is DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings && u.Kind is DrTaskKind.Backup or DrTaskKind.Replicate)
            {
                _succeeded.Writer.TryWrite(u.TaskId);
            }
        });
        await foreach (var taskId in _succeeded.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                var scheduleId = await db.Tasks.Where(t => t.Id == taskId).Select(t => t.ScheduleId).FirstOrDefaultAsync(stoppingToken);
                if (scheduleId is { } id)
                {
                    await applier.ApplyAsync(id, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex, taskId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention after task {TaskId} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, long taskId);
}
