using DrPortal.Core.Common;

namespace DrPortal.Core.History;

/// <summary>The figures of finished tasks: per pair, across pairs against VM size, and the dashboard's. Every query is bounded.</summary>
public interface IRunHistory
{
    /// <summary>The pair's finished tasks in the window, oldest first; NotFound for an unknown pair, Invalid for a bad window.</summary>
    Task<Result<PairHistory>> ForPairAsync(int pairId, HistoryWindow window, CancellationToken ct);

    /// <summary>Each pair's average figures in the window beside its VM's disk size (asked of the source hosts, briefly).</summary>
    Task<Result<IReadOnlyList<PairFigures>>> AcrossPairsAsync(HistoryWindow window, CancellationToken ct);

    Task<DashboardFigures> DashboardAsync(CancellationToken ct);
}
