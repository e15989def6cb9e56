namespace DrPortal.Core.Reports;

/// <summary>Builds the DR readiness report from the database in a few bounded queries (no query per pair).</summary>
public interface IReadinessReport
{
    Task<ReadinessReport> BuildAsync(CancellationToken ct);
}
