using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Unit;

public class ReadinessDigestInputTests
{
    [Theory]
    [InlineData("24:00")]
    [InlineData("7")]
    [InlineData("07:60")]
    [InlineData("")]
    [InlineData(null)]
    public void Validate_NotHhMm_NamesTime(string? time) =>
        Assert.Equal(["Time"], new ReadinessDigestInput(false, DayOfWeek.Monday, time, []).Validate([1]).ToDictionary().Keys);

    [Fact]
    public void Validate_EnabledWithoutTargets_NamesTargetIds() =>
        Assert.Equal(["TargetIds"], new ReadinessDigestInput(true, DayOfWeek.Monday, "07:00", []).Validate([1]).ToDictionary().Keys);

    [Fact]
    public void Validate_UnknownTarget_NamesTargetIds() =>
        Assert.Contains("Target 9 does not exist", new ReadinessDigestInput(true, DayOfWeek.Monday, "07:00", [1, 9]).Validate([1]).ToString(), StringComparison.Ordinal);

    [Fact]
    public void Validate_DayOutOfRange_NamesDay() =>
        Assert.Equal(["Day"], new ReadinessDigestInput(false, (DayOfWeek)9, "07:00", []).Validate([1]).ToDictionary().Keys);

    [Fact]
    public void Settings_Cron_IsMinuteHourAndDayInUtc()
    {
        var settings = new ReadinessDigestSettings { Day = DayOfWeek.Sunday, Hour = 6, Minute = 5 };

        Assert.Equal(("5 6 * * 0", "06:05", "Sundays at 06:05 UTC"), (settings.Cron, settings.Time, settings.Describe()));
    }
}
