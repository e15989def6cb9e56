using DrPortal.Core.Common;

namespace DrPortal.Core.Schedules;

/// <summary>Schedules and their runs. Every change is audited and re-registers the schedule with the executor.</summary>
public interface IScheduleStore
{
    /// <summary>All schedules, or a pair's, with their pair; ordered by id.</summary>
    Task<IReadOnlyList<Schedule>> ListAsync(int? pairId, CancellationToken ct);

    Task<Schedule?> FindAsync(int id, CancellationToken ct);

    Task<Result<Schedule>> CreateAsync(ScheduleInput input, string actor, CancellationToken ct);

    Task<Result<Schedule>> UpdateAsync(int id, ScheduleInput input, string actor, CancellationToken ct);

    Task<Result<Schedule>> DeleteAsync(int id, string actor, CancellationToken ct);

    /// <summary>A schedule's most recent runs, newest slot first.</summary>
    Task<IReadOnlyList<ScheduleRun>> RunsAsync(int scheduleId, int take, CancellationToken ct);

    /// <summary>The newest run of each of the schedules that has one, in one query (a list shows every schedule's last result).</summary>
    Task<IReadOnlyDictionary<int, ScheduleRun>> LastRunsAsync(IReadOnlyCollection<int> scheduleIds, CancellationToken ct);

    /// <summary>The next <paramref name="count"/> slots of a schedule as it is saved.</summary>
    Task<Result<IReadOnlyList<DateTimeOffset>>> PreviewAsync(int id, int count, CancellationToken ct);

    /// <summary>The next <paramref name="count"/> slots the input would have, before it is saved (the pair is not checked).</summary>
    Result<IReadOnlyList<DateTimeOffset>> Preview(ScheduleInput input, int count);
}

/// <summary>Keeps the executor's recurring triggers (Hangfire's today) in step with the schedules in the database.</summary>
public interface IScheduleJobs
{
    /// <summary>Registers or updates the trigger of an enabled schedule; removes that of a disabled one.</summary>
    void Sync(Schedule schedule);

    void Remove(int scheduleId);
}

/// <summary>Shows what a retention policy would keep and delete of a pair's archives.</summary>
public interface IRetentionPreview
{
    /// <summary>Days, weeks and months are those of <paramref name="timeZone"/> (an IANA id; null means the server's), as in the schedule that applies the policy.</summary>
    Task<Result<IReadOnlyList<RetentionDecision>>> PreviewAsync(int pairId, RetentionPolicy policy, string? timeZone, CancellationToken ct);
}

/// <summary>Applies a schedule's retention policy now, as it is applied after each successful run, on all three copies.</summary>
public interface IRetentionPruner
{
    /// <summary>The decisions, newest first; the deleted archives are gone from the repository and both hosts (unless a host refused, then the row stays).</summary>
    Task<Result<IReadOnlyList<RetentionDecision>>> PruneNowAsync(int scheduleId, string actor, CancellationToken ct);
}
