using DrPortal.Core.Tasks;

namespace DrPortal.Web.Components.Shared;

/// <summary>The newest task of each pair, for "last result" columns.</summary>
internal static class LastRuns
{
    /// <summary>One read for all the pairs (<see cref="ITaskService.LastPerPairAsync"/>); pairs that never ran are absent from the answer.</summary>
    public static async Task<Dictionary<int, DrTask>> PerPairAsync(ITaskService tasks, IEnumerable<int> pairIds, CancellationToken ct) =>
        new(await tasks.LastPerPairAsync([.. pairIds], ct));
}
