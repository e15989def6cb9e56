using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Schedules;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// What follows the end of every task, in one place for manual and scheduled runs alike: the audited outcome (who
/// asked, how it ended and why), the operational event notifications deliver, then retention after a successful Backup or Replicate. Called by the task's job
/// once the runner returns, so the task pipeline knows nothing of either.
/// </summary>
internal sealed partial class TaskOutcomes(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    RetentionApplier retention,
    IOperationalEvents events,
    Metrics.TaskMetrics metrics,
    IClock clock,
    ILogger<TaskOutcomes> logger)
{
    private const string EntityType = "Task";

    /// <summary>The task's status before its job runs it; null when the task does not exist.</summary>
    public async Task<DrTaskStatus?> StatusAsync(long taskId)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        return await db.Tasks.Where(t => t.Id == taskId).Select(t => (DrTaskStatus?)t.Status).FirstOrDefaultAsync(CancellationToken.None);
    }

    /// <summary>
    /// After the runner returned: when this run ended the task (it was unfinished before), records the outcome and, for
    /// a successful Backup or Replicate, applies retention. A task that was finished already (cancelled while queued,
    /// or handed over twice) is left alone, so an outcome is recorded once. Returns the task as it is now.
    /// </summary>
    /// <param name="ct">The portal's shutdown token: it may stop retention (the next run prunes instead), never the outcome entry.</param>
    public async Task<DrTask?> FinishAsync(long taskId, DrTaskStatus? before, CancellationToken ct)
    {
        DrTask? task;
        // The outcome is written with no token: a clean stop right as the task ends must not lose it.
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, CancellationToken.None);
            if (task is null || !task.IsFinished || before is not { } was || was.IsFinished())
            {
                return task;
            }
            var cancelledBy = task.Status == DrTaskStatus.Cancelled ? await CancelledByAsync(db, taskId) : null;
            var point = task.ArchiveId is { } archiveId
                ? await db.Archives.AsNoTracking().Where(a => a.Id == archiveId).Select(a => new { a.Label, a.SizeBytes }).FirstOrDefaultAsync(CancellationToken.None)
                : null;
            var archive = point?.Label;
            db.AuditEntries.Add(AuditLog.Entry(clock, task.RequestedBy, Action(task.Status), EntityType, taskId.ToString(CultureInfo.InvariantCulture),
                Summary(task, cancelledBy, archive), null, new
                {
                    Kind = task.Kind.ToString(),
                    Pair = task.PairLabel,
                    Status = task.Status.ToString(),
                    Stage = task.CurrentStage?.ToString(),
                    Reason = task.Error,
                    task.WarningCount,
                    task.Attempts,
                    Archive = archive,
                    task.RequestedBy,
                    CancelledBy = cancelledBy,
                    Schedule = task.ScheduleId,
                    task.StartedAt,
                    task.FinishedAt,
                }));
            await db.SaveChangesAsync(CancellationToken.None);
            if (await EventAsync(db, task, archive) is { } e)
            {
                events.Publish(e);
            }
            var stages = await db.TaskStages.AsNoTracking().Where(st => st.DrTaskId == taskId).ToListAsync(CancellationToken.None);
            metrics.Record(task, stages, point?.SizeBytes);
        }
        try
        {
            await retention.ApplyAfterTaskAsync(taskId, ct);
        }
#pragma warning disable CA1031 // The task succeeded whatever retention does; a failed prune is logged and tried again after the next run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRetentionFailed(logger, ex, taskId);
        }
        return task;
    }

    internal static string Action(DrTaskStatus status) => status switch
    {
        DrTaskStatus.Succeeded => "succeeded",
        DrTaskStatus.SucceededWithWarnings => "succeeded-with-warnings",
        DrTaskStatus.Failed => "failed",
        DrTaskStatus.Cancelled => "cancelled",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Summary(DrTask task, string? cancelledBy, string? archive)
    {
        var what = $"{task.Kind} of {task.PairLabel}";
        var stage = task.CurrentStage is { } s ? $" at {s}" : "";
        var outcome = task.Status switch
        {
            DrTaskStatus.Succeeded => $"{what} succeeded" + (archive is null ? "" : $" ({archive})"),
            DrTaskStatus.SucceededWithWarnings => $"{what} succeeded with {task.WarningCount} warning(s)" + (archive is null ? "" : $" ({archive})"),
            DrTaskStatus.Failed => $"{what} failed{stage}: {task.Error}",
            DrTaskStatus.Cancelled => $"{what} was cancelled{(cancelledBy is null ? "" : $" by {cancelledBy}")}{(task.Error is { } e ? $": {e}" : "")}",
            _ => $"{what} ended {task.Status}",
        };
        return $"{outcome} (requested by {task.RequestedBy})";
    }

    /// <summary>
    /// The event of a task that failed or succeeded: what, to which VM, where (the host of the stage it ended in), why,
    /// and its last lines of output. A cancelled task is no event: someone asked for it.
    /// </summary>
    internal static async Task<OperationalEvent?> EventAsync(DrPortalDbContext db, DrTask task, string? archive)
    {
        (OperationalEventKind Kind, EventSeverity Severity)? outcome = task.Status switch
        {
            DrTaskStatus.Failed => (OperationalEventKind.TaskFailed, EventSeverity.Error),
            DrTaskStatus.SucceededWithWarnings => (OperationalEventKind.TaskSucceededWithWarnings, EventSeverity.Warning),
            DrTaskStatus.Succeeded => (OperationalEventKind.TaskSucceeded, EventSeverity.Info),
            _ => null,
        };
        if (outcome is not var (kind, severity))
        {
            return null;
        }
        var pair = task.VmPairId is { } pairId
            ? await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, CancellationToken.None)
            : null;
        var host = pair is null ? null : OnTarget(task) ? pair.TargetHypervisor : pair.SourceHypervisor;
        var where = host is null ? "" : $" on {host.Name}";
        var what = $"{task.Kind} of {task.PairLabel}";
        var summary = task.Status switch
        {
            DrTaskStatus.Failed => $"{what} failed{(task.CurrentStage is { } s ? $" at {s}" : "")}{where}",
            DrTaskStatus.SucceededWithWarnings => $"{what} succeeded with {task.WarningCount} warning(s)" + (archive is null ? "" : $" ({archive})"),
            _ => $"{what} succeeded" + (archive is null ? "" : $" ({archive})"),
        };
        return new OperationalEvent(kind, severity, summary, (task.FinishedAt ?? DateTimeOffset.UtcNow).UtcDateTime, task.Error,
            task.VmPairId, host?.Id, task.Id, await LastLinesAsync(db, task));
    }

    /// <summary>A failure's own command output when it has some, else the task log's last lines.</summary>
    private static async Task<IReadOnlyList<string>> LastLinesAsync(DrPortalDbContext db, DrTask task)
    {
        const int Count = 10;
        if (!string.IsNullOrWhiteSpace(task.ErrorOutput))
        {
            return task.ErrorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(Count).ToList();
        }
        var lines = await db.TaskLogLines.AsNoTracking().Where(l => l.DrTaskId == task.Id).OrderByDescending(l => l.Id).Take(Count)
            .Select(l => l.Line).ToListAsync(CancellationToken.None);
        lines.Reverse();
        return lines;
    }

    /// <summary>Whether the task ended in a stage that runs on the recovery host (a restore, or a replication past its pull).</summary>
    private static bool OnTarget(DrTask task) =>
        task.Kind == DrTaskKind.Restore
        || task.CurrentStage is StageName.Push or StageName.Restore or StageName.Network or StageName.Start;

    private static Task<string?> CancelledByAsync(DrPortalDbContext db, long taskId)
    {
        var id = taskId.ToString(CultureInfo.InvariantCulture);
        return db.AuditEntries.AsNoTracking().Where(a => a.EntityType == EntityType && a.EntityId == id && a.Action == "cancel")
            .OrderByDescending(a => a.Id).Select(a => a.Actor).FirstOrDefaultAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention after task {TaskId} failed; it is tried again after the next successful run")]
    private static partial void LogRetentionFailed(ILogger logger, Exception ex, long taskId);
}
