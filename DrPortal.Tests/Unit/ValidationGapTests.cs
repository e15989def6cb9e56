using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Schedules;

namespace DrPortal.Tests.Unit;

/// <summary>The validation gaps issue 14 (finding 8, and the long cron of finding 6) found; each was accepted before.</summary>
public class ValidationGapTests
{
    private static readonly CronCalendar Rules = new(new ScheduleTestClock(DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("01.02.03.04")]
    [InlineData("010.0.0.1")]
    [InlineData("10.0.0.01")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("::")]
    [InlineData("ff02::1")]
    public void HostAddress_NotOneHost_IsRefusedWithAReason(string address)
    {
        Assert.False(HostAddress.IsValid(address, out var error), $"'{address}' should be refused");
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.1.2.3")]
    [InlineData("192.168.100.200")]
    [InlineData("223.255.255.254")]
    [InlineData("240.0.0.1")]
    [InlineData("::1")]
    [InlineData("fd00::10")]
    public void HostAddress_OneHost_IsStillAccepted(string address) =>
        Assert.True(HostAddress.IsValid(address, out _), $"'{address}' should be accepted");

    private static ScheduleInput Daily(string? zone) => new() { Timing = ScheduleTiming.Daily, DailyAt = "02:30", TimeZone = zone };

    [Theory]
    [InlineData("posixrules")]
    [InlineData("Factory")]
    [InlineData("EST5EDT")]
    [InlineData("localtime")]
    [InlineData("posix/Europe/Berlin")]
    [InlineData("right/Europe/Berlin")]
    public void TimeZone_NotAnIanaPlace_IsRefused(string zone) =>
        Assert.True(Daily(zone).Validate(Rules).Has(nameof(ScheduleInput.TimeZone)), $"'{zone}' should be refused");

    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("Etc/UTC")]
    [InlineData("Etc/GMT+5")]
    public void TimeZone_IanaPlaceOrUtc_IsAccepted(string zone) =>
        Assert.True(Daily(zone).Validate(Rules).IsEmpty, $"'{zone}' should be accepted");

    [Fact]
    public void Cron_ValidButLongerThanTheColumn_IsAFieldError()
    {
        var cron = string.Join(',', Enumerable.Range(0, 60)) + " * * * *";
        Assert.Null(Rules.Check(cron));
        var input = new ScheduleInput { Timing = ScheduleTiming.Cron, Cron = cron, TimeZone = "UTC" };

        var errors = input.Validate(Rules);

        Assert.True(errors.Has(nameof(ScheduleInput.Cron)));
        Assert.Contains($"{ScheduleInput.CronMaxLength}", errors.First(nameof(ScheduleInput.Cron)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup \u202Etxt.exe")]
    [InlineData("left\u202Aembed")]
    [InlineData("isolate\u2066x\u2069")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("joiner\u200D")]
    [InlineData("bom\uFEFF")]
    [InlineData("word\u2060joiner")]
    public void Note_WithBidiOrZeroWidthCharacters_IsRefused(string note)
    {
        var errors = new ValidationErrors();
        TextRules.OptionalNote(errors, "Note", note);
        Assert.True(errors.Has("Note"));
    }

    [Fact]
    public void Note_WithOrdinaryUnicodeAndNewlines_IsAccepted()
    {
        var errors = new ValidationErrors();
        TextRules.OptionalNote(errors, "Note", "Sauvegarde nocturne – Zürich\nשלום");
        Assert.True(errors.IsEmpty);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaa", "admin")]
    [InlineData("............", "admin")]
    [InlineData("administrator", "admin")]
    [InlineData("password1234", "admin")]
    [InlineData("Password1234", "admin")]
    [InlineData("operator-alice", "operator-alice")]
    [InlineData("alice-ops-01", "alice-ops")]
    public void Password_TriviallyWeak_IsRefused(string password, string user) =>
        Assert.NotNull(PasswordRules.Weakness(password, user));

    [Theory]
    [InlineData("correct-horse-battery", "admin")]
    [InlineData("aaaaaaaaaaab", "admin")]
    [InlineData("alice-likes-long-passphrases", "alice")]
    public void Password_Ordinary_IsAccepted(string password, string user) =>
        Assert.Null(PasswordRules.Weakness(password, user));
}
