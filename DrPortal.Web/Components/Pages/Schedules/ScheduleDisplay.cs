using System.Globalization;
using DrPortal.Core.Schedules;

namespace DrPortal.Web.Components.Pages.Schedules;

/// <summary>How schedules are written on screen: their timing, retention and run times, in the schedule's own zone.</summary>
internal static class ScheduleDisplay
{
    public static string Timing(Schedule s) => s.Timing == ScheduleTiming.Daily ? $"daily at {s.DailyAt}" : $"cron {s.Cron}";

    /// <summary>"last 7 · daily 14 · weekly 8 · monthly 12", the unused rules left out; "keep all" without any.</summary>
    public static string Retention(RetentionPolicy policy)
    {
        if (policy.IsEmpty)
        {
            return "keep all";
        }
        var parts = new (string Rule, int Count)[]
        {
            ("last", policy.KeepLast), ("daily", policy.KeepDaily), ("weekly", policy.KeepWeekly), ("monthly", policy.KeepMonthly),
        };
        return string.Join(" · ", parts.Where(p => p.Count > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Rule} {p.Count}")));
    }

    /// <summary>
    /// A moment as the schedule's zone reads it, with the zone's UTC offset at that moment, e.g. "Sun 2026-03-29 03:00 UTC+02:00":
    /// across a daylight-saving change the offset changes, so the shift is visible.
    /// </summary>
    public static string InZone(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + Offset(local.Offset);
    }

    /// <summary>The same moment for a table, always with its ISO date ("Wed 12-02" leaves month and day to guess): "2026-12-02 02:30".</summary>
    public static string Short(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Offset(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC" : "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hh\\:mm", CultureInfo.InvariantCulture);

    /// <summary>The zone, or null when this server does not know it (a schedule saved on a host with newer time-zone data).</summary>
    public static TimeZoneInfo? Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : null;

    /// <summary>When an enabled schedule runs next, as the API reports it; null when disabled or its zone is unknown here.</summary>
    public static DateTimeOffset? NextRun(Schedule s, IScheduleCalendar calendar)
    {
        if (!s.Enabled || Zone(s.TimeZone) is not { } zone)
        {
            return null;
        }
        var next = calendar.Upcoming(new CronSchedule(s.CronExpression, zone), 1);
        return next.Count > 0 ? next[0] : null;
    }

    public static string OutcomeLabel(ScheduleRunOutcome outcome) => outcome switch
    {
        ScheduleRunOutcome.Claimed => "starting",
        ScheduleRunOutcome.Queued => "queued a task",
        ScheduleRunOutcome.Attached => "joined a running task",
        ScheduleRunOutcome.Failed => "could not queue",
        ScheduleRunOutcome.Paused => "paused (failed over)",
        _ => outcome.ToString(),
    };

    public static string KindHint(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Backup => "Backs the source VM up into the repository",
        ScheduleKind.Replicate => "Backs up, moves and restores the VM on the recovery host",
        ScheduleKind.Drill => "Restores the newest point to a scratch VM on the drill network, boot-checks it and removes it; production is not touched",
        _ => "",
    };
}
