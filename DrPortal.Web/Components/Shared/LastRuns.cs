using System.Collections.Concurrent;
using DrPortal.Core.Tasks;

namespace DrPortal.Web.Components.Shared;

/// <summary>The newest task of each pair, for "last result" columns.</summary>
internal static class LastRuns
{
    /// <summary>One small query per pair, a few at a time; pairs that never ran are absent from the answer.</summary>
    public static async Task<Dictionary<int, DrTask>> PerPairAsync(ITaskService tasks, IEnumerable<int> pairIds, CancellationToken ct)
    {
        var found = new ConcurrentDictionary<int, DrTask>();
        await Parallel.ForEachAsync(pairIds, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (pairId, token) =>
        {
            var page = await tasks.QueryAsync(new TaskQuery(PairId: pairId, Take: 1), token);
            if (page.Items.Count > 0)
            {
                found[pairId] = page.Items[0];
            }
        });
        return new Dictionary<int, DrTask>(found);
    }
}
