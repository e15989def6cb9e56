using DrPortal.Core.Common;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Schedules;

namespace DrPortal.Tests.Unit;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ScheduleTestClock(DateTimeOffset now) : IClock
{
    public DateTimeOffset UtcNow { get; set; } = now;
}

public class ScheduleCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static CronCalendar Calendar(DateTimeOffset now) => new(new ScheduleTestClock(now));

    [Theory]
    [InlineData("02:30", "30 2 * * *")]
    [InlineData("00:00", "0 0 * * *")]
    [InlineData("23:05", "5 23 * * *")]
    public void DailyCron_HourMinute_BecomesMinuteHourCron(string at, string expected) =>
        Assert.Equal(expected, Schedule.DailyCron(at));

    [Fact]
    public void Upcoming_WeekdayCron_SkipsTheWeekend_FromTheClocksNow()
    {
        // Friday 2026-11-27 10:00 UTC.
        var calendar = Calendar(Utc(2026, 11, 27, 10, 0));

        var slots = calendar.Upcoming(new CronSchedule("0 9 * * 1-5", TimeZoneInfo.Utc), 3);

        Assert.Equal([Utc(2026, 11, 30, 9, 0), Utc(2026, 12, 1, 9, 0), Utc(2026, 12, 2, 9, 0)], slots);
    }

    [Fact]
    public void Next_BerlinSpringForward_SkippedLocalTimeRunsOnceAtTheNextValidTime()
    {
        // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that day.
        var daily = new CronSchedule("30 2 * * *", Berlin);

        var slots = Calendar(Utc(2026, 3, 27, 12, 0)).Next(daily, Utc(2026, 3, 27, 12, 0), 3);

        Assert.Equal([Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 30, 0, 30)], slots);
        Assert.Equal(new TimeSpan(3, 0, 0), TimeZoneInfo.ConvertTime(slots[1], Berlin).TimeOfDay);
    }

    [Fact]
    public void Next_BerlinFallBack_RepeatedLocalTimeRunsOnce()
    {
        // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice that night.
        var daily = new CronSchedule("30 2 * * *", Berlin);

        var slots = Calendar(Utc(2026, 10, 23, 12, 0)).Next(daily, Utc(2026, 10, 23, 12, 0), 3);

        Assert.Equal([Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 26, 1, 30)], slots);
    }

    [Fact]
    public void Next_NewYorkSpringForward_SkippedLocalTimeRunsOnceAtTheNextValidTime()
    {
        // 2026-03-08 02:00 EST jumps to 03:00 EDT.
        var daily = new CronSchedule("30 2 * * *", NewYork);

        var slots = Calendar(Utc(2026, 3, 6, 12, 0)).Next(daily, Utc(2026, 3, 6, 12, 0), 3);

        Assert.Equal([Utc(2026, 3, 7, 7, 30), Utc(2026, 3, 8, 7, 0), Utc(2026, 3, 9, 6, 30)], slots);
    }

    [Fact]
    public void Next_NewYorkFallBack_RepeatedLocalTimeRunsOnce()
    {
        // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 happens twice.
        var daily = new CronSchedule("30 1 * * *", NewYork);

        var slots = Calendar(Utc(2026, 10, 30, 12, 0)).Next(daily, Utc(2026, 10, 30, 12, 0), 3);

        Assert.Equal([Utc(2026, 10, 31, 5, 30), Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 2, 6, 30)], slots);
    }

    [Fact]
    public void Next_NeverRunsTheSameInstantTwice_AcrossAFallBackNightWithAnHourlyCron()
    {
        var hourly = new CronSchedule("0 * * * *", Berlin);

        var slots = Calendar(Utc(2026, 10, 24, 22, 30)).Next(hourly, Utc(2026, 10, 24, 22, 30), 6);

        Assert.Equal(slots.Distinct().Count(), slots.Count);
        Assert.All(slots.Zip(slots.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
    }

    [Fact]
    public void MostRecent_DailyInUtc_IsTodaysSlot_IncludingExactlyAtTheSlot()
    {
        var daily = new CronSchedule("30 2 * * *", TimeZoneInfo.Utc);
        var calendar = Calendar(Utc(2026, 11, 25, 10, 0));

        Assert.Equal(Utc(2026, 11, 25, 2, 30), calendar.MostRecent(daily, notBefore: Utc(2026, 1, 1, 0, 0)));
        Assert.Equal(Utc(2026, 11, 25, 2, 30), calendar.MostRecent(daily, Utc(2026, 11, 25, 2, 30), Utc(2026, 1, 1, 0, 0)));
        Assert.Equal(Utc(2026, 11, 24, 2, 30), calendar.MostRecent(daily, Utc(2026, 11, 25, 2, 29), Utc(2026, 1, 1, 0, 0)));
    }

    [Fact]
    public void MostRecent_SlotBeforeNotBefore_IsNone()
    {
        var daily = new CronSchedule("30 2 * * *", TimeZoneInfo.Utc);

        var slot = Calendar(Utc(2026, 11, 25, 10, 0)).MostRecent(daily, notBefore: Utc(2026, 11, 25, 3, 0));

        Assert.Null(slot);
    }

    [Fact]
    public void MostRecent_MonthlyCron_LooksBackFarEnough()
    {
        var monthly = new CronSchedule("0 3 1 * *", Berlin);

        var slot = Calendar(Utc(2026, 11, 25, 10, 0)).MostRecent(monthly, notBefore: Utc(2020, 1, 1, 0, 0));

        Assert.Equal(Utc(2026, 11, 1, 2, 0), slot);
    }

    [Fact]
    public void MostRecent_BerlinSkippedSlot_IsTheShiftedInstant()
    {
        var daily = new CronSchedule("30 2 * * *", Berlin);

        var slot = Calendar(Utc(2026, 3, 29, 1, 10)).MostRecent(daily, notBefore: Utc(2026, 3, 1, 0, 0));

        Assert.Equal(Utc(2026, 3, 29, 1, 0), slot);
    }

    [Theory]
    [InlineData("* * * *", "5 fields")]
    [InlineData("0 * * * * *", "5 fields")]
    [InlineData("61 * * * *", "not a valid cron")]
    [InlineData("0 25 * * *", "not a valid cron")]
    [InlineData("0 0 * * funday", "not a valid cron")]
    [InlineData("0 0 30 2 *", "never occurs")]
    public void Check_InvalidExpression_SaysWhy(string expression, string expected)
    {
        var problem = Calendar(Utc(2026, 11, 25, 10, 0)).Check(expression);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("30 2 * * 1-5")]
    [InlineData("0 0 29 2 *")]
    public void Check_ValidExpression_IsNull(string expression) =>
        Assert.Null(Calendar(Utc(2026, 11, 25, 10, 0)).Check(expression));
}

public class ScheduleInputTests
{
    private static readonly CronCalendar Rules = new(new ScheduleTestClock(DateTimeOffset.UnixEpoch));

    private static ScheduleInput Daily(string? at, string? zone = "Europe/Berlin") =>
        new() { VmPairId = 1, Timing = ScheduleTiming.Daily, DailyAt = at, TimeZone = zone };

    [Theory]
    [InlineData("24:00")]
    [InlineData("7:05")]
    [InlineData("07:60")]
    [InlineData("noon")]
    [InlineData("02:30x")]
    [InlineData("02:3")]
    [InlineData("")]
    public void Validate_BadTimeOfDay_IsRefusedOnDailyAt(string at)
    {
        var errors = Daily(at).Validate(Rules);

        Assert.True(errors.Has(nameof(ScheduleInput.DailyAt)), errors.ToString());
    }

    [Fact]
    public void Validate_UnknownZone_IsRefusedOnTimeZone()
    {
        var errors = Daily("02:30", "Mars/Olympus_Mons").Validate(Rules);

        Assert.Contains("IANA", errors.First(nameof(ScheduleInput.TimeZone)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoZone_UsesTheServersZone_AndIsValid()
    {
        var input = Daily("02:30", zone: null);

        Assert.True(input.Validate(Rules).IsEmpty);
        Assert.Equal(ScheduleInput.ServerTimeZoneId(), input.EffectiveTimeZone);
    }

    [Fact]
    public void Validate_CronTimingWithBadExpression_IsRefusedOnCron()
    {
        var input = new ScheduleInput { VmPairId = 1, Timing = ScheduleTiming.Cron, Cron = "0 0 30 2 *", TimeZone = "UTC" };

        Assert.Contains("never occurs", input.Validate(Rules).First(nameof(ScheduleInput.Cron)), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeRetention_IsRefused()
    {
        var input = Daily("02:30") with { Retention = new RetentionPolicy(KeepLast: -1) };

        Assert.True(input.Validate(Rules).Has("Retention.KeepLast"));
    }

    [Fact]
    public void Apply_CronWithExtraSpaces_IsStoredNormalised_AndDailyFieldsCleared()
    {
        var schedule = new Schedule { DailyAt = "01:00" };

        schedule.Apply(new ScheduleInput { VmPairId = 3, Timing = ScheduleTiming.Cron, Cron = " 0  3 *  * 1 ", TimeZone = "UTC" });

        Assert.Equal(("0 3 * * 1", (string?)null), (schedule.Cron, schedule.DailyAt));
        Assert.Equal("0 3 * * 1", schedule.CronExpression);
    }
}
