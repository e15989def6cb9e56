namespace DrPortal.Core.Schedules;

/// <summary>Knows cron syntax: checks expressions and turns a schedule into instants.</summary>
public interface ICronRules
{
    /// <summary>Null when the expression is a valid 5-field cron that fires at least once; otherwise why not, in words for a form.</summary>
    string? Check(string expression);
}

/// <summary>
/// The slots of a cron schedule. Daylight-saving transitions behave as cron users expect: a local time the
/// clock skips runs once at the first valid moment after it, and a local time that repeats runs once.
/// </summary>
public interface IScheduleCalendar : ICronRules
{
    /// <summary>The next <paramref name="count"/> slots strictly after the clock's now.</summary>
    IReadOnlyList<DateTimeOffset> Upcoming(CronSchedule schedule, int count);

    /// <summary>The next <paramref name="count"/> slots strictly after <paramref name="after"/>.</summary>
    IReadOnlyList<DateTimeOffset> Next(CronSchedule schedule, DateTimeOffset after, int count);

    /// <summary>The most recent slot at or before the clock's now and strictly after <paramref name="notBefore"/>; null if there is none.</summary>
    DateTimeOffset? MostRecent(CronSchedule schedule, DateTimeOffset notBefore);

    /// <summary>The most recent slot at or before <paramref name="at"/> and strictly after <paramref name="notBefore"/>.</summary>
    DateTimeOffset? MostRecent(CronSchedule schedule, DateTimeOffset at, DateTimeOffset notBefore);
}
