namespace DrPortal.Core.Archives;

/// <summary>
/// A restore point with every point it builds on, oldest (the full one) first: what a restore of it needs, and what
/// a transfer of it sends. <see cref="Broken"/> says why it cannot be rebuilt when a point it names is gone.
/// </summary>
/// <param name="Points">Oldest first; the last is the point itself. Only the reachable part when broken.</param>
/// <param name="Broken">Null when the chain is whole, otherwise one sentence naming the missing or looping point.</param>
public sealed record ArchiveChain(IReadOnlyList<Archive> Points, string? Broken)
{
    public Archive Point => Points[^1];

    /// <summary>Bytes of every point in the chain.</summary>
    public long SizeBytes => Points.Sum(p => p.SizeBytes);

    /// <summary>The chain among points already at hand (a page's list); a parent not among them breaks it.</summary>
    public static ArchiveChain Of(Archive point, IEnumerable<Archive> known)
    {
        ArgumentNullException.ThrowIfNull(known);
        var byId = known.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First());
        // Every lookup is a completed task: the walk runs synchronously and never blocks.
        return WalkAsync(point, id => Task.FromResult(byId.GetValueOrDefault(id))).GetAwaiter().GetResult();
    }

    /// <summary>Walks from <paramref name="point"/> to its full base through <paramref name="findParent"/>.</summary>
    public static async Task<ArchiveChain> WalkAsync(Archive point, Func<long, Task<Archive?>> findParent)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(findParent);
        var newestFirst = new List<Archive> { point };
        var seen = new HashSet<long> { point.Id };
        string? broken = null;
        while (newestFirst[^1].ParentArchiveId is { } parentId)
        {
            var parent = await findParent(parentId);
            if (parent is null)
            {
                broken = $"Restore point {newestFirst[^1].Label} builds on point #{parentId}, which no longer exists; it cannot be restored.";
                break;
            }
            if (!seen.Add(parent.Id))
            {
                broken = $"The chain of restore point {point.Label} loops at #{parent.Id}.";
                break;
            }
            newestFirst.Add(parent);
        }
        newestFirst.Reverse();
        return new ArchiveChain(newestFirst, broken);
    }
}
