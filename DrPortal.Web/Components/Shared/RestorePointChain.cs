using DrPortal.Core.Archives;

namespace DrPortal.Web.Components.Shared;

/// <summary>A restore point's chain as the screen shows it: the full point it builds on, then each incremental up to it.</summary>
internal static class RestorePointChain
{
    /// <summary>
    /// Oldest first, ending with <paramref name="point"/>. A parent not among <paramref name="known"/> (deleted, or of
    /// another page) ends the walk; <paramref name="missingBase"/> then names it, so the screen can say the chain is broken.
    /// </summary>
    public static IReadOnlyList<Archive> Of(Archive point, IEnumerable<Archive> known, out long? missingBase)
    {
        ArgumentNullException.ThrowIfNull(point);
        var byId = known.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First());
        var chain = new List<Archive> { point };
        var seen = new HashSet<long> { point.Id };
        missingBase = null;
        for (var parentId = point.ParentArchiveId; parentId is { } id && seen.Add(id); parentId = chain[^1].ParentArchiveId)
        {
            if (!byId.TryGetValue(id, out var parent))
            {
                missingBase = id;
                break;
            }
            chain.Add(parent);
        }
        chain.Reverse();
        return chain;
    }

    /// <summary>"full" or "incremental": what a point is, in the list's one word.</summary>
    public static string Kind(Archive point) => point.IsIncremental ? "incremental" : "full";
}
