using DrPortal.Infrastructure.Accounts;
using Microsoft.Extensions.Logging.Abstractions;

namespace DrPortal.Tests.Unit;

public class SessionRevocationsTests
{
    [Fact]
    public void Revoked_WakesTheUsersSubscribers_OnlyThem()
    {
        var revocations = new SessionRevocations(NullLogger<SessionRevocations>.Instance);
        var alice = 0;
        var bob = 0;
        using var a1 = revocations.Subscribe("alice", () => alice++);
        using var a2 = revocations.Subscribe("alice", () => alice++);
        using var b = revocations.Subscribe("bob", () => bob++);

        revocations.Revoked("alice");

        Assert.Equal(2, alice);
        Assert.Equal(0, bob);
    }

    [Fact]
    public void Revoked_AfterDispose_NoLongerCallsTheSubscriber()
    {
        var revocations = new SessionRevocations(NullLogger<SessionRevocations>.Instance);
        var calls = 0;
        var subscription = revocations.Subscribe("alice", () => calls++);

        subscription.Dispose();
        revocations.Revoked("alice");

        Assert.Equal(0, calls);
    }

    [Fact]
    public void Revoked_OneSubscriberThrows_TheOthersStillHearIt()
    {
        var revocations = new SessionRevocations(NullLogger<SessionRevocations>.Instance);
        var heard = false;
        using var broken = revocations.Subscribe("alice", () => throw new InvalidOperationException("broken page"));
        using var fine = revocations.Subscribe("alice", () => heard = true);

        revocations.Revoked("alice");

        Assert.True(heard);
    }
}
