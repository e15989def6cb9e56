using DrPortal.Core.Archives;

namespace DrPortal.Tests.Unit;

public class ArchiveChainTests
{
    private static Archive Point(long id, long? parent) => new() { Id = id, Label = $"p{id}", ParentArchiveId = parent, SizeBytes = id * 10 };

    [Fact]
    public async Task Walk_OfAnIncremental_IsOldestFirstWithTheSizeOfAll()
    {
        var points = new[] { Point(1, null), Point(2, 1), Point(3, 2) }.ToDictionary(p => p.Id);

        var chain = await ArchiveChain.WalkAsync(points[3], id => Task.FromResult(points.GetValueOrDefault(id)));

        Assert.Equal([1L, 2L, 3L], chain.Points.Select(p => p.Id).ToList());
        Assert.Equal(60, chain.SizeBytes);
        Assert.Null(chain.Broken);
        Assert.Same(points[3], chain.Point);
    }

    [Fact]
    public async Task Walk_WithAMissingBase_IsBrokenNamingTheMissingPoint()
    {
        var points = new[] { Point(2, 1), Point(3, 2) }.ToDictionary(p => p.Id);

        var chain = await ArchiveChain.WalkAsync(points[3], id => Task.FromResult(points.GetValueOrDefault(id)));

        Assert.Equal([2L, 3L], chain.Points.Select(p => p.Id).ToList());
        Assert.Contains("p2 builds on point #1, which no longer exists", chain.Broken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Walk_ThatLoops_IsBrokenInsteadOfEndless()
    {
        var points = new[] { Point(1, 2), Point(2, 1) }.ToDictionary(p => p.Id);

        var chain = await ArchiveChain.WalkAsync(points[2], id => Task.FromResult(points.GetValueOrDefault(id)));

        Assert.Contains("loops at #2", chain.Broken, StringComparison.Ordinal);
    }
}
