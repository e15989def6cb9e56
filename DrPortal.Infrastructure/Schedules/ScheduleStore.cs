using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Schedules;

internal sealed partial class ScheduleStore(
    IDbContextFactory<DrPortalDbContext> contexts,
    IScheduleCalendar calendar,
    IScheduleJobs jobs,
    IClock clock,
    ILogger<ScheduleStore> logger) : IScheduleStore
{
    private const string EntityType = "Schedule";
    public const int MaxPreview = 50;

    public async Task<IReadOnlyList<Schedule>> ListAsync(int? pairId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = WithPair(db);
        if (pairId is { } id)
        {
            q = q.Where(s => s.VmPairId == id);
        }
        return await q.OrderBy(s => s.Id).ToListAsync(ct);
    }

    public async Task<Schedule?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await WithPair(db).FirstOrDefaultAsync(s => s.Id == id, ct);
    }

    public async Task<Result<Schedule>> CreateAsync(ScheduleInput input, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await ValidateAsync(db, input, ct) is { } invalid)
        {
            return invalid;
        }
        var schedule = new Schedule { CreatedAt = clock.UtcNow, UpdatedAt = clock.UtcNow };
        schedule.Apply(input);
        var pair = await AttachPairAsync(db, schedule, ct);
        db.Schedules.Add(schedule);
        var saved = await Persist.SaveAsync(db, schedule,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", EntityType, schedule.Id.ToString(CultureInfo.InvariantCulture),
                $"Added schedule {schedule.Describe()} for pair {pair}", null, schedule.AuditSnapshot())),
            () => Result<Schedule>.Conflict("The schedule could not be saved."), ct);
        if (!saved.IsOk)
        {
            return saved;
        }
        SyncJob(schedule.Id, () => jobs.Sync(schedule));
        return Result<Schedule>.Ok((await FindAsync(schedule.Id, ct))!);
    }

    public async Task<Result<Schedule>> UpdateAsync(int id, ScheduleInput input, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (schedule is null)
        {
            return Result<Schedule>.NotFound($"Schedule {id} does not exist.");
        }
        if (await ValidateAsync(db, input, ct) is { } invalid)
        {
            return invalid;
        }
        await AttachPairAsync(db, schedule, ct);
        var before = schedule.AuditSnapshot();
        schedule.Apply(input);
        schedule.UpdatedAt = clock.UtcNow;
        var pair = await AttachPairAsync(db, schedule, ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", EntityType, id.ToString(CultureInfo.InvariantCulture),
            $"Changed schedule #{id} of pair {pair}: {schedule.Describe()}{(schedule.Enabled ? "" : ", disabled")}", before, schedule.AuditSnapshot()));
        await db.SaveChangesAsync(ct);
        SyncJob(id, () => jobs.Sync(schedule));
        return Result<Schedule>.Ok((await FindAsync(id, ct))!);
    }

    public async Task<Result<Schedule>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (schedule is null)
        {
            return Result<Schedule>.NotFound($"Schedule {id} does not exist.");
        }
        var pair = await AttachPairAsync(db, schedule, ct);
        db.Schedules.Remove(schedule);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(CultureInfo.InvariantCulture),
            $"Deleted schedule #{id} ({schedule.Describe()}) of pair {pair}", schedule.AuditSnapshot(), null));
        await db.SaveChangesAsync(ct);
        SyncJob(id, () => jobs.Remove(id));
        return Result<Schedule>.Ok(schedule);
    }

    /// <summary>Sets the schedule's pair, with its hosts, so the audit names hosts rather than ids; returns the pair's label.</summary>
    private static async Task<string> AttachPairAsync(DrPortalDbContext db, Schedule schedule, CancellationToken ct)
    {
        var pairId = schedule.VmPairId;
        var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is not null)
        {
            schedule.VmPair = pair;
        }
        return pair?.Describe() ?? $"#{pairId.ToString(CultureInfo.InvariantCulture)}";
    }

    public async Task<IReadOnlyList<ScheduleRun>> RunsAsync(int scheduleId, int take, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ScheduleRuns.AsNoTracking().Where(r => r.ScheduleId == scheduleId)
            .OrderByDescending(r => r.SlotTime).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    public async Task<IReadOnlyDictionary<int, ScheduleRun>> LastRunsAsync(IReadOnlyCollection<int> scheduleIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scheduleIds);
        if (scheduleIds.Count == 0)
        {
            return new Dictionary<int, ScheduleRun>();
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Each schedule's newest slot through the (ScheduleId, SlotTime) index; the same order RunsAsync(id, 1) takes.
        var runs = await db.ScheduleRuns.AsNoTracking()
            .Where(r => scheduleIds.Contains(r.ScheduleId)
                        && r.SlotTime == db.ScheduleRuns.Where(x => x.ScheduleId == r.ScheduleId).Max(x => x.SlotTime))
            .ToListAsync(ct);
        return runs.GroupBy(r => r.ScheduleId).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Id).First());
    }

    public async Task<Result<IReadOnlyList<DateTimeOffset>>> PreviewAsync(int id, int count, CancellationToken ct)
    {
        var schedule = await FindAsync(id, ct);
        return schedule is null
            ? Result<IReadOnlyList<DateTimeOffset>>.NotFound($"Schedule {id} does not exist.")
            : Result<IReadOnlyList<DateTimeOffset>>.Ok(calendar.Upcoming(schedule.ToCronSchedule(), Math.Clamp(count, 1, MaxPreview)));
    }

    public Result<IReadOnlyList<DateTimeOffset>> Preview(ScheduleInput input, int count)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = input.Validate(calendar);
        if (!errors.IsEmpty)
        {
            return Result<IReadOnlyList<DateTimeOffset>>.Invalid(errors);
        }
        var draft = new Schedule();
        draft.Apply(input);
        return Result<IReadOnlyList<DateTimeOffset>>.Ok(calendar.Upcoming(draft.ToCronSchedule(), Math.Clamp(count, 1, MaxPreview)));
    }

    /// <summary>
    /// The database row is the truth and is already saved: an executor hiccup is logged, not turned into a failed
    /// request, and the start-up re-sync repairs it. A trigger that fires for a stale row only claims what the row allows.
    /// </summary>
    private void SyncJob(int scheduleId, Action sync)
    {
        try
        {
            sync();
        }
        catch (Exception ex)
        {
            LogSyncFailed(logger, ex, scheduleId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId} was saved but its recurring job could not be updated; it is re-registered at the next start")]
    private static partial void LogSyncFailed(ILogger logger, Exception ex, int scheduleId);

    private async Task<Result<Schedule>?> ValidateAsync(DrPortalDbContext db, ScheduleInput input, CancellationToken ct)
    {
        var errors = input.Validate(calendar);
        if (!await db.VmPairs.AnyAsync(p => p.Id == input.VmPairId, ct))
        {
            errors.Add(nameof(ScheduleInput.VmPairId), $"VM pair {input.VmPairId} does not exist.");
        }
        return errors.IsEmpty ? null : Result<Schedule>.Invalid(errors);
    }

    private static IQueryable<Schedule> WithPair(DrPortalDbContext db) =>
        db.Schedules.AsNoTracking().Include(s => s.VmPair).ThenInclude(p => p!.SourceHypervisor)
            .Include(s => s.VmPair).ThenInclude(p => p!.TargetHypervisor);
}
