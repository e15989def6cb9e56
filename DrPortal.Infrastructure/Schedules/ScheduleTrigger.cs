using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>
/// Turns a schedule's due slot into a task: claims the slot with a run row (unique per schedule and slot),
/// then requests the task. Whoever loses the claim does nothing, so a slot runs at most once.
/// </summary>
internal sealed partial class ScheduleTrigger(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IScheduleCalendar calendar,
    ITaskService tasks,
    Core.Recovery.IDrRunService drills,
    IScheduleJobs jobs,
    IClock clock,
    IOptions<DrPortalOptions> options,
    ILogger<ScheduleTrigger> logger)
{
    /// <summary>Runs the schedule's most recent slot (at or before now) unless it was claimed already. Null when nothing was claimed.</summary>
    public async Task<ScheduleRun?> FireAsync(int scheduleId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
        if (schedule is null)
        {
            // Deleted with its pair (a cascade the store never saw): the trigger goes too.
            jobs.Remove(scheduleId);
            return null;
        }
        return schedule.Enabled ? await RunDueSlotAsync(schedule, isCatchUp: false, ct) : null;
    }

    /// <summary>
    /// At start: for each enabled schedule whose most recent slot passed without a run (the portal was down),
    /// runs that one slot as a catch-up — one per schedule, however many slots were missed. Also finishes
    /// slots that were claimed but whose task was never requested (the portal stopped in between).
    /// </summary>
    public async Task<IReadOnlyList<ScheduleRun>> CatchUpAsync(CancellationToken ct)
    {
        var runs = new List<ScheduleRun>();
        List<Schedule> schedules;
        List<long> stranded;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            schedules = await db.Schedules.AsNoTracking().Where(s => s.Enabled).OrderBy(s => s.Id).ToListAsync(ct);
            stranded = await db.ScheduleRuns.Where(r => r.Outcome == ScheduleRunOutcome.Claimed).Select(r => r.Id).ToListAsync(ct);
        }
        foreach (var runId in stranded)
        {
            runs.Add(await RequestTaskAsync(runId, ct));
        }
        foreach (var schedule in schedules)
        {
            try
            {
                if (await RunDueSlotAsync(schedule, isCatchUp: true, ct) is { } run)
                {
                    LogCatchUp(logger, schedule.Id, run.SlotTime);
                    runs.Add(run);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken schedule (say, a time zone the host no longer knows) must not keep the others from catching up.
                LogCatchUpFailed(logger, ex, schedule.Id);
            }
        }
        return runs;
    }

    private async Task<ScheduleRun?> RunDueSlotAsync(Schedule schedule, bool isCatchUp, CancellationToken ct)
    {
        // Slots before the schedule took its current form were never promised.
        if (calendar.MostRecent(schedule.ToCronSchedule(), notBefore: schedule.UpdatedAt) is not { } slot)
        {
            return null;
        }
        var claimed = await ClaimAsync(schedule.Id, slot, isCatchUp, ct);
        return claimed is null ? null : await RequestTaskAsync(claimed.Value, ct);
    }

    private async Task<long?> ClaimAsync(int scheduleId, DateTimeOffset slot, bool isCatchUp, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = new ScheduleRun
        {
            ScheduleId = scheduleId,
            SlotTime = slot.ToUniversalTime(),
            ClaimedAt = clock.UtcNow,
            IsCatchUp = isCatchUp,
            Outcome = ScheduleRunOutcome.Claimed,
        };
        db.ScheduleRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
            return run.Id;
        }
        catch (DbUpdateException ex) when (Database.IsDuplicateKey(ex))
        {
            return null;
        }
    }

    private async Task<ScheduleRun> RequestTaskAsync(long runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.ScheduleRuns.FirstAsync(r => r.Id == runId, ct);
        var schedule = await db.Schedules.AsNoTracking().FirstAsync(s => s.Id == run.ScheduleId, ct);
        if (schedule.Kind == ScheduleKind.Drill)
        {
            // A drill touches no production VM, so it runs whichever way the pair faces; a drill still running is not doubled.
            var drill = await drills.DrillPairAsync(schedule.VmPairId, new Core.Recovery.DrRunRequest(), $"schedule #{schedule.Id}", ct);
            (run.Outcome, run.Message) = drill.IsOk
                ? (ScheduleRunOutcome.Queued, $"Drill run #{drill.Value!.Id} queued.")
                : (ScheduleRunOutcome.Failed, Truncate(drill.Message ?? drill.Status.ToString()));
            await db.SaveChangesAsync(ct);
            await PruneRunsAsync(db, schedule.Id, ct);
            return run;
        }
        var blocked = schedule.TaskKind == DrTaskKind.Backup ? null
            : await db.VmPairs.AsNoTracking().Where(p => p.Id == schedule.VmPairId).Select(p => new { p.Direction, p.FailedOverAt, p.FailedOverRunId }).FirstOrDefaultAsync(ct);
        if (blocked is { Direction: PairDirection.FailedOver })
        {
            run.Outcome = ScheduleRunOutcome.Paused;
            run.Message = Truncate($"Paused: the pair is failed over since {blocked.FailedOverAt:yyyy-MM-dd HH:mm} UTC (run #{blocked.FailedOverRunId}); a {schedule.TaskKind} would overwrite the VM that runs the service now. It resumes after a failback.");
            await db.SaveChangesAsync(ct);
            return run;
        }
        var result = await tasks.RequestScheduledAsync(schedule.VmPairId, schedule.TaskKind, new ScheduledRequest(schedule.Id, run.IsCatchUp), ct);
        if (!result.IsOk)
        {
            run.Outcome = ScheduleRunOutcome.Failed;
            run.Message = Truncate(result.Message ?? result.Status.ToString());
        }
        else if (result.Value!.Created)
        {
            run.Outcome = ScheduleRunOutcome.Queued;
            run.TaskId = result.Value.Task.Id;
        }
        else
        {
            run.Outcome = ScheduleRunOutcome.Attached;
            run.TaskId = result.Value.Task.Id;
            run.Message = $"Pair #{schedule.VmPairId} already had {schedule.TaskKind} task #{result.Value.Task.Id} {result.Value.Task.Status}; the slot did not queue a second one.";
        }
        await db.SaveChangesAsync(ct);
        await PruneRunsAsync(db, schedule.Id, ct);
        return run;
    }

    /// <summary>
    /// Keeps a schedule's newest runs and deletes older ones, so an every-minute schedule does not grow the table
    /// forever. Safe for the at-most-once rule: only the most recent slot is ever claimed, and it is among the kept.
    /// A claimed run whose task was never requested is kept until the catch-up finishes it.
    /// </summary>
    private async Task PruneRunsAsync(DrPortalDbContext db, int scheduleId, CancellationToken ct)
    {
        var kept = Math.Max(1, options.Value.ScheduleRunsKept);
        var oldestKept = await db.ScheduleRuns.Where(r => r.ScheduleId == scheduleId)
            .OrderByDescending(r => r.SlotTime).Skip(kept - 1).Select(r => (DateTimeOffset?)r.SlotTime).FirstOrDefaultAsync(ct);
        if (oldestKept is { } cutoff)
        {
            await db.ScheduleRuns.Where(r => r.ScheduleId == scheduleId && r.SlotTime < cutoff && r.Outcome != ScheduleRunOutcome.Claimed)
                .ExecuteDeleteAsync(ct);
        }
    }

    private static string Truncate(string value) => TextRules.Shorten(value, 500);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: catching up the slot of {Slot} missed while the portal was down")]
    private static partial void LogCatchUp(ILogger logger, int scheduleId, DateTimeOffset slot);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId}: catch-up failed")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception ex, int scheduleId);
}
