using DrPortal.Core.Audit;

namespace DrPortal.Tests.Unit;

public class SignInEventTests
{
    [Fact]
    public void Failed_NamesTheAttemptedUserTheAddressAndTheDoor()
    {
        var e = new SignInEvent("mallory", SignInOutcome.Failed, SignInEvent.LoginPage, "10.250.0.99", "no such user");

        Assert.Equal(("mallory", "sign-in-failed", SignInEvent.EntityType), (e.Actor, e.Action, SignInEvent.EntityType));
        Assert.Equal("Failed sign-in as 'mallory' from 10.250.0.99 (login page): no such user", e.Summary);
    }

    [Fact]
    public void Actor_OfAHostileName_IsOneShortLine()
    {
        var e = new SignInEvent("x\n" + new string('a', 500), SignInOutcome.LockedOut, SignInEvent.TokenCreation, null);

        Assert.DoesNotContain('\n', e.Actor);
        Assert.True(e.Actor.Length <= 65, e.Actor);
        Assert.Equal("lockout", e.Action);
    }
}
