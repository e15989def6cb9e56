namespace DrPortal.Core.History;

/// <summary>
/// The repository's size day by day, rebuilt from the restore points it holds now (by when each arrived), its free
/// space, and the forecast. Points deleted since are not in the history, so growth reads high and the forecast errs early.
/// </summary>
public sealed record RepositoryGrowth(IReadOnlyList<DailyBytes> Size, long? FreeBytes, RepositoryForecast Forecast);
