using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

internal sealed class TaskService(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IJobQueue jobs,
    ITaskFeed feed,
    TaskCancellations cancellations,
    IClock clock) : ITaskService
{
    private const string EntityType = "Task";

    public Task<Result<TaskRequestOutcome>> RequestAsync(int pairId, DrTaskKind kind, long? archiveId, string actor, CancellationToken ct) =>
        RequestAsync(pairId, kind, archiveId, actor, null, ct);

    public Task<Result<TaskRequestOutcome>> RequestScheduledAsync(int pairId, DrTaskKind kind, ScheduledRequest origin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return kind == DrTaskKind.Restore
            ? Task.FromResult(Result<TaskRequestOutcome>.Invalid("kind", "Restores are not scheduled."))
            : RequestAsync(pairId, kind, null, origin.Actor, origin, ct);
    }

    private async Task<Result<TaskRequestOutcome>> RequestAsync(int pairId, DrTaskKind kind, long? archiveId, string actor, ScheduledRequest? origin, CancellationToken ct)
    {
        if (!Enum.IsDefined(kind))
        {
            return Result<TaskRequestOutcome>.Invalid("kind", "Kind must be Backup, Restore or Replicate.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
            .FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return Result<TaskRequestOutcome>.NotFound($"VM pair {pairId} does not exist.");
        }

        var active = await FindActiveAsync(db, pairId, kind, ct);
        if (active is not null)
        {
            return Result<TaskRequestOutcome>.Ok(new TaskRequestOutcome(active, Created: false));
        }
        // A verify only reads, so nothing that holds replications back holds it back.
        var readsOnly = kind is DrTaskKind.Backup or DrTaskKind.Verify;
        if (!readsOnly && pair.ReplicationBlockedReason is { } blocked)
        {
            return Result<TaskRequestOutcome>.Conflict(blocked);
        }
        var switchover = DrTask.ActiveKeyFor(pairId, DrTaskKind.PlannedFailover);
        if (!readsOnly && await db.Tasks.AnyAsync(t => t.ActiveKey == switchover, ct))
        {
            return Result<TaskRequestOutcome>.Conflict($"Pair #{pairId} is being failed over or failed back; a {kind} would fight it over the replica. Wait for the run to end.");
        }

        if (kind == DrTaskKind.Restore)
        {
            var chosen = await ChooseArchiveAsync(db, pairId, archiveId, ct);
            if (!chosen.IsOk)
            {
                return Result<TaskRequestOutcome>.Invalid(chosen.Errors!);
            }
            archiveId = chosen.Value;
        }
        else if (kind == DrTaskKind.Verify && archiveId is { } verified)
        {
            if (!await db.Archives.AnyAsync(a => a.Id == verified && a.VmPairId == pairId, ct))
            {
                return Result<TaskRequestOutcome>.Invalid("archiveId", $"Restore point {verified} does not exist for this pair.");
            }
        }
        else
        {
            archiveId = null;
        }

        var task = DrTask.Create(kind, pair, actor, clock.UtcNow, archiveId);
        task.ScheduleId = origin?.ScheduleId;
        task.IsCatchUp = origin?.IsCatchUp ?? false;
        db.Tasks.Add(task);
        var saved = await Persist.SaveAsync(db, task,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, $"request-{kind.ToString().ToLowerInvariant()}", EntityType,
                task.Id.ToString(CultureInfo.InvariantCulture), $"Requested {kind} of pair #{pair.Id} {pair.Describe()}{(task.IsCatchUp ? " (catch-up of a missed slot)" : "")}", null, null)),
            () => Result<DrTask>.Conflict("duplicate"), ct);
        if (!saved.IsOk)
        {
            // Another request won the race for this pair and kind: hand back its task.
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var winner = await FindActiveAsync(fresh, pairId, kind, ct);
            return winner is not null
                ? Result<TaskRequestOutcome>.Ok(new TaskRequestOutcome(winner, Created: false))
                : Result<TaskRequestOutcome>.Conflict("Another task for this pair just finished; try again.");
        }

        jobs.Enqueue(task.Id);
        feed.Publish(TaskUpdate.Of(task));
        return Result<TaskRequestOutcome>.Ok(new TaskRequestOutcome(task, Created: true));
    }

    public async Task<Result<DrTask>> CancelAsync(long taskId, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await db.Tasks.Include(t => t.Stages).FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null)
        {
            return Result<DrTask>.NotFound($"Task {taskId} does not exist.");
        }
        if (task.IsFinished)
        {
            return Result<DrTask>.Conflict($"Task {taskId} has already finished ({task.Status}).");
        }
        task.CancelRequested = true;
        if (task.Status == DrTaskStatus.Queued && task.Attempts == 0)
        {
            // Nothing has run yet: it ends here. A runner that picks it up later sees it finished and does nothing.
            task.Cancel($"Cancelled by {actor} before it started.", clock.UtcNow);
        }
        else if (task.Status == DrTaskStatus.WaitingForTurn)
        {
            // Parked between stages: no job holds it, so it ends here; nothing of its VM has started yet.
            task.Cancel($"Cancelled by {actor} while it waited for its group's turn.", clock.UtcNow);
        }
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "cancel", EntityType, taskId.ToString(CultureInfo.InvariantCulture),
            $"Cancelled task {taskId} ({task.Kind} of pair #{task.VmPairId})", null, null));
        await db.SaveChangesAsync(ct);
        cancellations.Cancel(taskId);
        feed.Publish(TaskUpdate.Of(task));
        return Result<DrTask>.Ok(task);
    }

    public async Task<Result<DrTask>> RetryAsync(long taskId, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var task = await db.Tasks.Include(t => t.Stages).FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null)
        {
            return Result<DrTask>.NotFound($"Task {taskId} does not exist.");
        }
        if (task.Status != DrTaskStatus.Failed)
        {
            return Result<DrTask>.Conflict($"Only a failed task can be retried; task {taskId} is {task.Status}.");
        }
        if (task.VmPairId is null)
        {
            return Result<DrTask>.Conflict($"The pair of task {taskId} was deleted.");
        }
        task.Retry(actor);
        var saved = await Persist.SaveAsync(db, task,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, "retry", EntityType, taskId.ToString(CultureInfo.InvariantCulture),
                $"Retried task {taskId} ({task.Kind} of pair #{task.VmPairId})", null, null)),
            () => Result<DrTask>.Conflict($"Pair #{task.VmPairId} already has a queued or running {task.Kind} task; wait for it or cancel it first."), ct);
        if (saved.IsOk)
        {
            jobs.Enqueue(task.Id);
            feed.Publish(TaskUpdate.Of(task));
        }
        return saved;
    }

    public async Task<DrTask?> FindAsync(long taskId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tasks.AsNoTracking().Include(t => t.Stages).Include(t => t.VmPair)
            .AsSplitQuery().FirstOrDefaultAsync(t => t.Id == taskId, ct);
    }

    public async Task<IReadOnlyDictionary<long, DrTask>> FindManyAsync(IReadOnlyCollection<long> taskIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0)
        {
            return new Dictionary<long, DrTask>();
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var items = await WithStagesAsync(db, [.. taskIds], ct);
        return items.ToDictionary(t => t.Id);
    }

    public async Task<TaskPage> QueryAsync(TaskQuery query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Tasks.AsNoTracking();
        if (query.Status is { } status)
        {
            q = q.Where(t => t.Status == status);
        }
        if (query.PairId is { } pairId)
        {
            q = q.Where(t => t.VmPairId == pairId);
        }
        if (query.Kind is { } kind)
        {
            q = q.Where(t => t.Kind == kind);
        }
        var total = await q.CountAsync(ct);
        // The page's ids first (an index-only walk, also for a deep skip), then only those tasks with their stages.
        var ids = await q.OrderByDescending(t => t.Id)
            .Skip(Math.Max(0, query.Skip)).Take(Math.Clamp(query.Take, 1, TaskQuery.MaxTake))
            .Select(t => t.Id).ToListAsync(ct);
        return new TaskPage(await WithStagesAsync(db, ids, ct), total);
    }

    public async Task<IReadOnlyDictionary<int, DrTask>> LastPerPairAsync(IReadOnlyCollection<int> pairIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pairIds);
        if (pairIds.Count == 0)
        {
            return new Dictionary<int, DrTask>();
        }
        var wanted = pairIds.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // MAX(Id) per pair walks the VmPairId index; then only those tasks with their stages (was one query per pair).
        var ids = await db.Tasks.AsNoTracking().Where(t => t.VmPairId != null && wanted.Contains(t.VmPairId.Value))
            .GroupBy(t => t.VmPairId).Select(g => g.Max(t => t.Id)).ToListAsync(ct);
        var items = await WithStagesAsync(db, ids, ct);
        // A pair deleted between the two reads leaves its task without one: it is no pair's last run any more.
        return items.Where(t => t.VmPairId is not null).ToDictionary(t => t.VmPairId!.Value);
    }

    /// <summary>
    /// The tasks with these ids, newest first, with their stages: two reads by primary and foreign key. Include with a
    /// split query joined the tasks again for the stages and buffered both result sets; a list of 500 tasks spent most of
    /// its time there. No pair with them: a list shows the label the task keeps (<see cref="DrTask.PairLabel"/>).
    /// </summary>
    private static async Task<List<DrTask>> WithStagesAsync(DrPortalDbContext db, List<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var items = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.Id)).OrderByDescending(t => t.Id).ToListAsync(ct);
        var stages = (await db.TaskStages.AsNoTracking().Where(s => ids.Contains(s.DrTaskId)).ToListAsync(ct)).ToLookup(s => s.DrTaskId);
        foreach (var task in items)
        {
            task.Stages = [.. stages[task.Id].OrderBy(s => s.Position)];
        }
        return items;
    }

    public async Task<IReadOnlyList<DrTaskLogLine>> ReadLogAsync(long taskId, long afterId, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TaskLogLines.AsNoTracking()
            .Where(l => l.DrTaskId == taskId && l.Id > afterId)
            .OrderBy(l => l.Id).Take(Math.Clamp(take, 1, 10_000)).ToListAsync(ct);
    }

    private static Task<DrTask?> FindActiveAsync(DrPortalDbContext db, int pairId, DrTaskKind kind, CancellationToken ct)
    {
        var key = DrTask.ActiveKeyFor(pairId, kind);
        return db.Tasks.AsNoTracking().Include(t => t.Stages).FirstOrDefaultAsync(t => t.ActiveKey == key, ct);
    }

    private static async Task<Result<long>> ChooseArchiveAsync(DrPortalDbContext db, int pairId, long? archiveId, CancellationToken ct)
    {
        if (archiveId is { } id)
        {
            var archive = await db.Archives.AsNoTracking().Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == id, ct);
            if (archive is null || archive.VmPairId != pairId)
            {
                return Result<long>.Invalid("archiveId", $"Restore point {id} does not exist for this pair.");
            }
            if (archive.RepositoryCopy.IsUnusable())
            {
                return Result<long>.Invalid("archiveId",
                    $"A verify found the repository copy of restore point {archive.Label} {archive.RepositoryCopy.ToString().ToLowerInvariant()}; it is never restored. Choose another restore point.");
            }
            if (!archive.IsVerified)
            {
                return Result<long>.Invalid("archiveId", $"Restore point {archive.Label} has no verified copy in the repository.");
            }
            return Result<long>.Ok(id);
        }
        var newest = await db.Archives.AsNoTracking().VerifiedOf(pairId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        return newest is { } n
            ? Result<long>.Ok(n)
            : Result<long>.Invalid("archiveId", "This pair has no verified archive yet; run a backup first.");
    }
}
