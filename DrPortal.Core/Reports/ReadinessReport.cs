namespace DrPortal.Core.Reports;

/// <summary>The DR readiness report: a row per pair, as of <paramref name="GeneratedAt"/>; failures reach back <paramref name="FailureDays"/> days.</summary>
public sealed record ReadinessReport(DateTimeOffset GeneratedAt, int FailureDays, IReadOnlyList<ReadinessRow> Rows)
{
    /// <summary>How many failures a row lists at most (the newest).</summary>
    public const int FailuresPerPair = 3;

    public const int DefaultFailureDays = 30;
}
