using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;

namespace DrPortal.Web.Components.Pages.Schedules;

/// <summary>A schedule as the list shows it: when it runs next and how its most recent slot went.</summary>
internal sealed class ScheduleRow
{
    public ScheduleRow(Schedule schedule, IScheduleCalendar calendar) => Show(schedule, calendar);

    public Schedule Schedule { get; private set; } = default!;

    /// <summary>Null while disabled (or when this server does not know its zone).</summary>
    public DateTimeOffset? NextRun { get; private set; }

    public ScheduleRun? LastRun { get; private set; }

    /// <summary>The task the last run queued or joined, while it still exists.</summary>
    public DrTask? LastTask { get; private set; }

    /// <summary>Shows the schedule as saved now: the next run follows from its timing, zone and whether it is enabled.</summary>
    public void Show(Schedule schedule, IScheduleCalendar calendar)
    {
        Schedule = schedule;
        NextRun = ScheduleDisplay.NextRun(schedule, calendar);
    }

    /// <summary>Reads the last run and its task: two small queries.</summary>
    public async Task LoadLastRunAsync(IScheduleStore store, ITaskService tasks, CancellationToken ct)
    {
        var runs = await store.RunsAsync(Schedule.Id, 1, ct);
        LastRun = runs.Count > 0 ? runs[0] : null;
        LastTask = LastRun?.TaskId is { } taskId ? await tasks.FindAsync(taskId, ct) : null;
    }

    /// <summary>The last runs of the rows and their tasks: two reads for the whole list (was two per row).</summary>
    public static async Task LoadLastRunsAsync(IReadOnlyCollection<ScheduleRow> rows, IScheduleStore store, ITaskService tasks, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var runs = await store.LastRunsAsync([.. rows.Select(r => r.Schedule.Id)], ct);
        var found = await tasks.FindManyAsync([.. runs.Values.Where(r => r.TaskId is not null).Select(r => r.TaskId!.Value).Distinct()], ct);
        foreach (var row in rows)
        {
            row.LastRun = runs.GetValueOrDefault(row.Schedule.Id);
            row.LastTask = row.LastRun?.TaskId is { } taskId ? found.GetValueOrDefault(taskId) : null;
        }
    }
}
