using System.Globalization;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Web.Components.Pages.Dashboard;

/// <summary>
/// The dashboard's order of pairs by their last run: failed or cancelled (newest first), then running or waiting, then
/// never run, then succeeded with warnings, then succeeded (the longest ago first: the stalest copy).
/// </summary>
internal static class PairAttention
{
    /// <summary>How many pairs the dashboard lists; the rest are counted.</summary>
    public const int Shown = 10;

    public static IEnumerable<VmPair> Order(IEnumerable<VmPair> pairs, IReadOnlyDictionary<int, DrTask> lastRuns) =>
        pairs.Select(p => (Pair: p, Last: lastRuns.GetValueOrDefault(p.Id)))
            .OrderBy(x => Rank(x.Last))
            .ThenBy(x => x.Last is { Status: DrTaskStatus.Failed or DrTaskStatus.Cancelled } failed ? -When(failed) : When(x.Last))
            .ThenBy(x => x.Pair.Describe(), StringComparer.Ordinal)
            .Select(x => x.Pair);

    /// <summary>"150 succeeded, 38 with warnings, 2 never run": the pairs not listed, by the same groups.</summary>
    public static string Summary(IEnumerable<VmPair> pairs, IReadOnlyDictionary<int, DrTask> lastRuns)
    {
        string[] names = ["failed", "running or waiting", "never run", "with warnings", "succeeded"];
        var counts = pairs.GroupBy(p => Rank(lastRuns.GetValueOrDefault(p.Id))).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {names[g.Key]}"));
        return string.Join(", ", counts);
    }

    private static int Rank(DrTask? last) => last?.Status switch
    {
        null => 2,
        DrTaskStatus.Failed or DrTaskStatus.Cancelled => 0,
        DrTaskStatus.SucceededWithWarnings => 3,
        DrTaskStatus.Succeeded => 4,
        _ => 1,
    };

    private static long When(DrTask? task) => task is null ? 0 : (task.FinishedAt ?? task.CreatedAt).UtcTicks;
}
