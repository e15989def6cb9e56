using DrPortal.Infrastructure.Accounts;

namespace DrPortal.Tests.Unit;

public class SignInThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly ScheduleTestClock _clock = new(Start);
    private readonly SignInThrottle _throttle;

    public SignInThrottleTests() => _throttle = new SignInThrottle(_clock);

    private void Fail(string name, string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _throttle.RecordFailure(name, address);
        }
    }

    [Fact]
    public void RetryAfter_FirstFiveFailures_AreFree_ThenBacksOffExponentially()
    {
        Fail("admin", "10.0.0.1", 4);
        Assert.Null(_throttle.RetryAfter("admin", "10.0.0.1"));

        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 4; i++)
        {
            _throttle.RecordFailure("admin", "10.0.0.1");
            waits.Add(_throttle.RetryAfter("admin", "10.0.0.1"));
        }

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], waits);
    }

    [Fact]
    public void RetryAfter_ManyFailures_IsCappedAtFifteenMinutes_AndCountsDown()
    {
        Fail("admin", "10.0.0.1", 60);

        Assert.Equal(SignInThrottle.MaxWait, _throttle.RetryAfter("admin", "10.0.0.1"));
        _clock.UtcNow = Start.AddMinutes(10);
        Assert.Equal(TimeSpan.FromMinutes(5), _throttle.RetryAfter("admin", "10.0.0.1"));
    }

    [Fact]
    public void RetryAfter_AnotherAddress_IsOnlySlowedByTheAccountCeiling_NeverLocked()
    {
        // An attacker spread over many addresses, each throttled on its own.
        for (var a = 0; a < 50; a++)
        {
            Fail("admin", $"10.0.1.{a}", 10);
        }

        var fromElsewhere = _throttle.RetryAfter("admin", "192.0.2.7");

        Assert.NotNull(fromElsewhere);
        Assert.True(fromElsewhere <= SignInThrottle.AccountCeiling, fromElsewhere.ToString());
        _clock.UtcNow = Start + SignInThrottle.AccountCeiling;
        Assert.Null(_throttle.RetryAfter("admin", "192.0.2.7"));
        Assert.NotNull(_throttle.RetryAfter("admin", "10.0.1.3"));
    }

    [Fact]
    public void RetryAfter_OneAddressTryingManyNames_IsThrottledForEveryName_KnownOrNot()
    {
        for (var n = 0; n < SignInThrottle.FreeFailuresPerAddress; n++)
        {
            _throttle.RecordFailure($"guess-{n}", "10.0.0.9");
        }

        Assert.NotNull(_throttle.RetryAfter("never-tried", "10.0.0.9"));
        Assert.Null(_throttle.RetryAfter("never-tried", "10.0.0.10"));
    }

    [Fact]
    public void RecordSuccess_ClearsThePair_AndFailuresAreForgottenAfterAWhile()
    {
        Fail("alice", "10.0.0.1", 6);
        Fail("bob", "10.0.0.2", 6);

        _throttle.RecordSuccess("alice", "10.0.0.1");
        _clock.UtcNow = Start + SignInThrottle.Memory + TimeSpan.FromSeconds(1);

        Assert.Null(_throttle.RetryAfter("alice", "10.0.0.1"));
        Assert.Null(_throttle.RetryAfter("bob", "10.0.0.2"));
    }

    [Fact]
    public void RetryAfter_NameCaseAndSpaces_CountAsOneName()
    {
        Fail("Admin ", "10.0.0.1", 3);
        Fail("admin", "10.0.0.1", 3);

        Assert.NotNull(_throttle.RetryAfter("ADMIN", "10.0.0.1"));
    }

    [Fact]
    public void Refusal_SaysHowLongInWholeSeconds()
    {
        Assert.Equal("Too many attempts from this address; try again in 3 s.", SignInThrottle.Refusal(TimeSpan.FromSeconds(2.2)));
    }
}
