using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>
/// Prunes a pair's archives by a retention policy, on all three copies: the primary host's, the recovery host's and
/// the repository's. The decision is <see cref="RetentionPlan"/>'s, the same the preview shows. It runs after every
/// successful backup or replication (<see cref="ApplyAfterTaskAsync"/>, called where the task's job ends) and on
/// "prune now".
/// </summary>
internal sealed partial class RetentionApplier(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IArchiveTransport transport,
    HypervisorDrivers drivers,
    ArchiveRepository repository,
    IClock clock,
    ILogger<RetentionApplier> logger) : IRetentionPruner, IDisposable
{
    // One prune at a time: two runs finishing together must not decide over the same archives concurrently.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Applies the schedule's policy now; returns the decisions (the deleted ones are gone, unless a host refused).</summary>
    public async Task<IReadOnlyList<RetentionDecision>> ApplyAsync(int scheduleId, CancellationToken ct) =>
        await ApplyScheduleAsync(scheduleId, $"retention of schedule #{scheduleId}", ct) ?? [];

    public async Task<Result<IReadOnlyList<RetentionDecision>>> PruneNowAsync(int scheduleId, string actor, CancellationToken ct)
    {
        var decisions = await ApplyScheduleAsync(scheduleId, $"{actor} (prune now, schedule #{scheduleId})", ct);
        return decisions is null
            ? Result<IReadOnlyList<RetentionDecision>>.NotFound($"Schedule {scheduleId} does not exist.")
            : Result<IReadOnlyList<RetentionDecision>>.Ok(decisions);
    }

    /// <summary>
    /// After a successful Backup or Replicate: a scheduled run applies its schedule's policy when the schedule has one,
    /// any other run (and a schedule without a policy) the pair's. Anything else does nothing and returns null.
    /// </summary>
    public async Task<IReadOnlyList<RetentionDecision>?> ApplyAfterTaskAsync(long taskId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is not { Status: DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings, Kind: DrTaskKind.Backup or DrTaskKind.Replicate, VmPairId: { } pairId })
        {
            return null;
        }
        var schedule = task.ScheduleId is { } scheduleId ? await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct) : null;
        if (schedule is { Retention.IsEmpty: false })
        {
            return await ApplyAsync(pairId, schedule.Retention, schedule.TimeZone, $"retention of schedule #{schedule.Id} after task #{taskId}", ct);
        }
        var pair = await db.VmPairs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pairId, ct);
        return pair is null
            ? null
            : await ApplyAsync(pairId, pair.Retention, ScheduleInput.ServerTimeZoneId(), $"retention of pair #{pairId} after task #{taskId}", ct);
    }

    /// <summary>Null when the schedule does not exist.</summary>
    private async Task<IReadOnlyList<RetentionDecision>?> ApplyScheduleAsync(int scheduleId, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
        return schedule is null ? null : await ApplyAsync(schedule.VmPairId, schedule.Retention, schedule.TimeZone, actor, ct);
    }

    /// <summary>
    /// Keeps what <see cref="RetentionPlan"/> keeps and deletes the rest: archives beyond the policy and incomplete ones
    /// (never verified, unused). With an empty policy every verified archive is kept, but incomplete ones still go.
    /// </summary>
    private async Task<IReadOnlyList<RetentionDecision>> ApplyAsync(int pairId, RetentionPolicy policy, string timeZone, string actor, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var pair = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, ct);
            if (pair is null)
            {
                return [];
            }
            var archives = await db.Archives.AsNoTracking().Include(a => a.Files).Where(a => a.VmPairId == pair.Id).ToListAsync(ct);
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
            var decisions = RetentionPlan.Decide(policy, archives, await ArchiveStore.InUseAsync(db, ct), zone);
            // Newest first, so a point that builds on an older doomed one goes before its base.
            foreach (var doomed in decisions.Where(d => !d.Keep))
            {
                try
                {
                    await DeleteAsync(doomed, pair, policy, actor, ct);
                }
                catch (Exception ex) when (ex is TransferException or RemoteConnectionException or HostKeyMismatchException)
                {
                    // The row stays, so the next run tries again; nothing is half-forgotten.
                    LogDeleteFailed(logger, ex, doomed.Archive.Label, pair.Id);
                }
            }
            return decisions;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeleteAsync(RetentionDecision doomed, VmPair pair, RetentionPolicy policy, string actor, CancellationToken ct)
    {
        var archiveId = doomed.Archive.Id;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archive = await db.Archives.Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == archiveId, ct);
        // Checked again here: a restore of this archive may have been requested, or its protection set, since the decision;
        // and a point that another builds on stays while that one does.
        if (archive is null || archive.IsProtected || (await ArchiveStore.InUseAsync(db, ct)).Contains(archiveId)
            || await db.Archives.AnyAsync(a => a.ParentArchiveId == archiveId, ct))
        {
            return;
        }
        var (source, target) = (pair.SourceHypervisor!, pair.TargetHypervisor!);
        if (archive.OnPrimary)
        {
            var driver = drivers.For(source);
            await transport.RemoveRemoteAsync(source, archive.Files.Select(f => driver.StagingPathOf(source, f.Name)).ToList(), ct);
        }
        if (archive.OnRecovery)
        {
            var driver = drivers.For(target);
            await transport.RemoveRemoteAsync(target, archive.Files.Select(f => driver.StagingPathOf(target, f.Name)).ToList(), ct);
        }
        db.Archives.Remove(archive);
        var why = doomed.IsIncomplete ? "incomplete: it was never verified" : $"beyond {Describe(policy)}";
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "prune", "Archive", archiveId.ToString(CultureInfo.InvariantCulture),
            $"Pruned restore point {archive.Label} of {archive.SourceHypervisorName}/{archive.SourceVm} ({why}) by {actor}", ArchiveStore.AuditView(archive), null));
        await db.SaveChangesAsync(ct);
        repository.DeleteAll(archive);
    }

    private static string Describe(RetentionPolicy p)
    {
        var parts = new[] { ("last", p.KeepLast), ("daily", p.KeepDaily), ("weekly", p.KeepWeekly), ("monthly", p.KeepMonthly) }
            .Where(x => x.Item2 > 0).Select(x => string.Create(CultureInfo.InvariantCulture, $"keep {x.Item1} {x.Item2}"));
        return "the retention policy (" + string.Join(", ", parts) + ")";
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention of pair {PairId} could not delete {Label}; it is kept and retried after the next run")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string label, int pairId);
}
