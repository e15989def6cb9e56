using DrPortal.Core.Accounts;

namespace DrPortal.Tests.Unit;

public class SecurityKeyCounterTests
{
    [Theory]
    [InlineData(0u, 1u)]
    [InlineData(5u, 6u)]
    [InlineData(5u, 900u)]
    [InlineData(0u, 0u)]
    public void IsAcceptable_GrowingOrNeverCounting_Accepted(uint stored, uint presented) =>
        Assert.True(SecurityKeyCounter.IsAcceptable(stored, presented));

    [Theory]
    [InlineData(5u, 5u)]
    [InlineData(5u, 4u)]
    [InlineData(5u, 0u)]
    [InlineData(uint.MaxValue, 0u)]
    public void IsAcceptable_CounterNotGrowing_RefusedAsAClone(uint stored, uint presented) =>
        Assert.False(SecurityKeyCounter.IsAcceptable(stored, presented));
}
