using DrPortal.Tests.Components;
using DrPortal.Web.Auth;

namespace DrPortal.Tests.Unit;

public class TwoFactorAttemptsTests
{
    [Fact]
    public void RecordFailure_FiveInTheWindow_BlocksUntilTheWindowEnds()
    {
        var clock = new FakeClock();
        var attempts = new TwoFactorAttempts(clock);

        for (var i = 0; i < TwoFactorAttempts.MaxFailures - 1; i++)
        {
            attempts.RecordFailure("u1");
        }
        var blockedBeforeFifth = attempts.IsBlocked("u1");
        attempts.RecordFailure("u1");
        var blockedAfterFifth = attempts.IsBlocked("u1");
        var otherUserBlocked = attempts.IsBlocked("u2");
        clock.UtcNow += TwoFactorAttempts.Window;

        Assert.False(blockedBeforeFifth);
        Assert.True(blockedAfterFifth);
        Assert.False(otherUserBlocked);
        Assert.False(attempts.IsBlocked("u1"));
        Assert.Equal(1, attempts.RecordFailure("u1"));
    }

    [Fact]
    public void Clear_AfterFailures_StartsAgain()
    {
        var attempts = new TwoFactorAttempts(new FakeClock());
        for (var i = 0; i < TwoFactorAttempts.MaxFailures; i++)
        {
            attempts.RecordFailure("u1");
        }

        attempts.Clear("u1");

        Assert.False(attempts.IsBlocked("u1"));
    }
}
