using DrPortal.Core.Common;
using DrPortal.Core.History;
using DrPortal.Core.Pairs;

namespace DrPortal.Tests.Components;

/// <summary>History figures set by the test; a pair not in <see cref="Pairs"/> is NotFound.</summary>
internal sealed class FakeRunHistory : IRunHistory
{
    public Dictionary<int, PairHistory> Pairs { get; } = [];
    public List<PairFigures> AcrossPairs { get; } = [];

    public DashboardFigures Dashboard { get; set; } = new(new SuccessRate(7, 0, 0), new SuccessRate(30, 0, 0), [],
        new RepositoryGrowth([], null, new RepositoryForecast(null, null, "Not enough data.")), new Dictionary<RpoStatus, int>());

    public Task<Result<PairHistory>> ForPairAsync(int pairId, HistoryWindow window, CancellationToken ct) =>
        Task.FromResult(Pairs.TryGetValue(pairId, out var history)
            ? Result<PairHistory>.Ok(history)
            : Result<PairHistory>.NotFound($"VM pair {pairId} does not exist."));

    public Task<Result<IReadOnlyList<PairFigures>>> AcrossPairsAsync(HistoryWindow window, CancellationToken ct) =>
        Task.FromResult(Result<IReadOnlyList<PairFigures>>.Ok(AcrossPairs));

    public Task<DashboardFigures> DashboardAsync(CancellationToken ct) => Task.FromResult(Dashboard);
}
