using Cronos;
using DrPortal.Core.Common;
using DrPortal.Core.Schedules;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>
/// Schedule slots computed by Cronos — the library Hangfire itself uses for recurring jobs, so the slots the
/// portal previews, claims and catches up are the instants Hangfire fires at, DST transitions included.
/// </summary>
internal sealed class CronCalendar(IClock clock) : IScheduleCalendar
{
    // Cronos has no "previous occurrence"; widening windows find the most recent one without enumerating years of minutes.
    private static readonly TimeSpan[] LookBack =
        [TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(32), TimeSpan.FromDays(367), TimeSpan.FromDays(5 * 366)];

    public string? Check(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"A cron expression has 5 fields (minute hour day-of-month month day-of-week); '{expression}' has {fields.Length}.";
        }
        CronExpression parsed;
        try
        {
            parsed = CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            return $"'{expression}' is not a valid cron expression: {ex.Message}";
        }
        // "0 0 30 2 *" parses but never comes: reject it rather than save a schedule that silently never runs.
        return parsed.GetNextOccurrence(DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc) is null
            ? $"'{expression}' never occurs (for example, 30 February)."
            : null;
    }

    public IReadOnlyList<DateTimeOffset> Upcoming(CronSchedule schedule, int count) => Next(schedule, clock.UtcNow, count);

    public IReadOnlyList<DateTimeOffset> Next(CronSchedule schedule, DateTimeOffset after, int count)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var cron = Parse(schedule);
        var slots = new List<DateTimeOffset>(count);
        var from = after;
        while (slots.Count < count && cron.GetNextOccurrence(from, schedule.Zone) is { } next)
        {
            slots.Add(next);
            from = next;
        }
        return slots;
    }

    public DateTimeOffset? MostRecent(CronSchedule schedule, DateTimeOffset notBefore) => MostRecent(schedule, clock.UtcNow, notBefore);

    public DateTimeOffset? MostRecent(CronSchedule schedule, DateTimeOffset at, DateTimeOffset notBefore)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var cron = Parse(schedule);
        foreach (var span in LookBack)
        {
            var from = at - span < notBefore ? notBefore : at - span;
            if (from >= at)
            {
                return null;
            }
            DateTimeOffset? last = null;
            foreach (var slot in cron.GetOccurrences(from, at, schedule.Zone, fromInclusive: false, toInclusive: true))
            {
                last = slot;
            }
            if (last is not null)
            {
                return last;
            }
            if (from == notBefore)
            {
                return null;
            }
        }
        return null;
    }

    private static CronExpression Parse(CronSchedule schedule) => CronExpression.Parse(schedule.Expression, CronFormat.Standard);
}
