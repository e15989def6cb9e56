using DrPortal.Core.Pairs;

namespace DrPortal.Tests.Unit;

public class PairProtectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public void Assess_NoRpo_IsNoTarget() =>
        Assert.Equal(RpoStatus.NoTarget, PairProtection.Assess(null, Now.AddHours(-100), null, Now));

    [Fact]
    public void Assess_NoGoodArchive_IsBreached() =>
        Assert.Equal(RpoStatus.Breached, PairProtection.Assess(Day, null, Now.AddHours(1), Now));

    [Fact]
    public void Assess_NewestArchiveOlderThanTheRpo_IsBreached() =>
        Assert.Equal(RpoStatus.Breached, PairProtection.Assess(Day, Now - Day - TimeSpan.FromMinutes(1), Now.AddMinutes(5), Now));

    [Fact]
    public void Assess_WithinRpoAndTheNextRunComesBeforeItExpires_IsMet() =>
        Assert.Equal(RpoStatus.Met, PairProtection.Assess(Day, Now.AddHours(-10), Now.AddHours(14), Now));

    [Fact]
    public void Assess_WithinRpoButTheNextRunComesAfterItExpires_IsAtRisk() =>
        Assert.Equal(RpoStatus.AtRisk, PairProtection.Assess(Day, Now.AddHours(-10), Now.AddHours(14).AddMinutes(1), Now));

    [Fact]
    public void Assess_WithinRpoWithNoEnabledSchedule_IsAtRisk() =>
        Assert.Equal(RpoStatus.AtRisk, PairProtection.Assess(Day, Now.AddMinutes(-1), null, Now));

    [Fact]
    public void Of_TakesTheRpoFromThePairInMinutes()
    {
        var pair = new VmPair { Id = 7, RpoMinutes = 90 };

        var protection = PairProtection.Of(pair, Now.AddMinutes(-30), 1, Now.AddMinutes(30), Now);

        Assert.Equal((7, TimeSpan.FromMinutes(90), RpoStatus.Met), (protection.PairId, protection.Rpo, protection.Status));
    }
}
