using DrPortal.Core.Hosts;
using DrPortal.Core.Notifications;
using DrPortal.Core.Pairs;

namespace DrPortal.Tests.Unit;

public class RpoWatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(RpoStatus.Breached, false, RpoChange.Breached)]
    [InlineData(RpoStatus.Breached, true, RpoChange.None)]
    [InlineData(RpoStatus.Met, true, RpoChange.Recovered)]
    [InlineData(RpoStatus.AtRisk, true, RpoChange.Recovered)]
    [InlineData(RpoStatus.Met, false, RpoChange.None)]
    [InlineData(RpoStatus.AtRisk, false, RpoChange.None)]
    [InlineData(RpoStatus.NoTarget, true, RpoChange.None)]
    [InlineData(RpoStatus.NoTarget, false, RpoChange.None)]
    public void Change_StatusAndStateBefore_AnnouncesOnlyTransitions(RpoStatus status, bool breachedBefore, RpoChange expected) =>
        Assert.Equal(expected, RpoWatch.Change(status, breachedBefore));

    [Fact]
    public void Evaluates_PairWithoutRpo_IsFalse() => Assert.False(RpoWatch.Evaluates(new VmPair { RpoMinutes = null }));

    [Fact]
    public void Evaluates_FailedOverPair_IsFalse() => Assert.False(RpoWatch.Evaluates(new VmPair { RpoMinutes = 60, Direction = PairDirection.FailedOver }));

    [Fact]
    public void Evaluates_ProtectedPairWithRpo_IsTrue() => Assert.True(RpoWatch.Evaluates(new VmPair { RpoMinutes = 60 }));

    [Fact]
    public void Event_Breached_NamesPairVmsRpoAgeAndNewestPoint()
    {
        var pair = Pair();
        var protection = PairProtection.Of(pair, Now.AddHours(-3), 1, null, Now);

        var e = RpoWatch.Event(RpoChange.Breached, pair, protection, Now);

        Assert.Equal(OperationalEventKind.RpoBreached, e.Kind);
        Assert.Equal(EventSeverity.Warning, e.Severity);
        Assert.Equal(5, e.PairId);
        Assert.Equal("pve-dc1/100 → pve-dr1/9100 breached its RPO of 1 h: newest good restore point made 2026-12-01 09:00 UTC, 3 h old", e.Summary);
        Assert.Contains("RPO 1 h; achieved 3 h", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_BreachedWithoutAnyPoint_SaysThereIsNone()
    {
        var pair = Pair();

        var e = RpoWatch.Event(RpoChange.Breached, pair, PairProtection.Of(pair, null, 0, null, Now), Now);

        Assert.Equal("pve-dc1/100 → pve-dr1/9100 breached its RPO of 1 h: no good restore point", e.Summary);
    }

    [Fact]
    public void Event_Recovered_IsInfoAndSaysWithinAgain()
    {
        var pair = Pair();

        var e = RpoWatch.Event(RpoChange.Recovered, pair, PairProtection.Of(pair, Now.AddMinutes(-5), 1, null, Now), Now);

        Assert.Equal((OperationalEventKind.RpoRecovered, EventSeverity.Info), (e.Kind, e.Severity));
        Assert.StartsWith("pve-dc1/100 → pve-dr1/9100 is within its RPO of 1 h again: newest good restore point made 2026-12-01 11:55 UTC, 5 min old", e.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_NoChange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RpoWatch.Event(RpoChange.None, Pair(), PairProtection.Of(Pair(), null, 0, null, Now), Now));

    private static VmPair Pair() => new()
    {
        Id = 5,
        RpoMinutes = 60,
        SourceVm = "100",
        TargetVm = "9100",
        SourceHypervisor = new Hypervisor { Name = "pve-dc1" },
        TargetHypervisor = new Hypervisor { Name = "pve-dr1" },
    };
}
