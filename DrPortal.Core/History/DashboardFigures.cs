using DrPortal.Core.Pairs;

namespace DrPortal.Core.History;

/// <summary>What the dashboard shows beside the live tasks: success rates, bytes moved per day, repository growth, protection.</summary>
/// <param name="BytesMovedPerDay">Bytes of restore points moved by transfer stages (pull, push) that ended on each of the last 30 UTC days.</param>
public sealed record DashboardFigures(
    SuccessRate Last7Days, SuccessRate Last30Days, IReadOnlyList<DailyBytes> BytesMovedPerDay,
    RepositoryGrowth Repository, IReadOnlyDictionary<RpoStatus, int> Protection);
