using DrPortal.Core.Accounts;

namespace DrPortal.Tests.Unit;

public class SessionLifetimeTests
{
    private static readonly DateTimeOffset SignIn = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly SecurityPolicy Policy = SecurityPolicy.Default with { SessionIdleTimeout = TimeSpan.FromHours(1), SessionAbsoluteLifetime = TimeSpan.FromHours(10) };

    private static UserSession Session(DateTimeOffset lastSeen) =>
        new() { Id = "s", UserId = "u", CreatedAt = SignIn, LastSeenAt = lastSeen, ExpiresAt = SignIn + Policy.SessionAbsoluteLifetime };

    [Fact]
    public void EndsAt_RecentlyUsed_IsTheIdleTimeoutAfterLastActivity()
    {
        Assert.Equal(SignIn.AddHours(3.5), SessionLifetime.EndsAt(Policy, Session(SignIn.AddHours(2.5))));
    }

    [Fact]
    public void EndsAt_UsedNearTheEnd_IsTheAbsoluteLifetime_NotExtendedByActivity()
    {
        Assert.Equal(SignIn.AddHours(10), SessionLifetime.EndsAt(Policy, Session(SignIn.AddHours(9.5))));
    }

    [Fact]
    public void EndsAt_PolicyShortenedAfterSignIn_TheShorterLifetimeApplies()
    {
        var shorter = Policy with { SessionAbsoluteLifetime = TimeSpan.FromHours(4) };

        Assert.Equal(SignIn.AddHours(4), SessionLifetime.EndsAt(shorter, Session(SignIn.AddHours(3.5))));
    }

    [Fact]
    public void EndsAt_PolicyLengthenedAfterSignIn_TheExpiryFixedAtSignInStays()
    {
        var longer = Policy with { SessionAbsoluteLifetime = TimeSpan.FromDays(30) };

        Assert.Equal(SignIn.AddHours(10), SessionLifetime.EndsAt(longer, Session(SignIn.AddHours(9.5))));
    }

    [Theory]
    [InlineData(59, false)]
    [InlineData(60, true)]
    public void HasEnded_AtTheIdleBoundary_EndsExactlyAtTheTimeout(int minutesIdle, bool expected)
    {
        var lastSeen = SignIn.AddHours(1);

        Assert.Equal(expected, SessionLifetime.HasEnded(Policy, Session(lastSeen), lastSeen.AddMinutes(minutesIdle)));
    }

    [Theory]
    [InlineData(59, false)]
    [InlineData(60, true)]
    public void NeedsTouch_WritesLastSeenAtMostOnceAMinute(int secondsLater, bool expected)
    {
        var lastSeen = SignIn.AddHours(1);

        Assert.Equal(expected, SessionLifetime.NeedsTouch(Session(lastSeen), lastSeen.AddSeconds(secondsLater)));
    }
}
