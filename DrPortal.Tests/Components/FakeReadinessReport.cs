using DrPortal.Core.Reports;

namespace DrPortal.Tests.Components;

/// <summary>A readiness report set by the test.</summary>
internal sealed class FakeReadinessReport : IReadinessReport
{
    public ReadinessReport Report { get; set; } = new(DateTimeOffset.UnixEpoch, ReadinessReport.DefaultFailureDays, []);

    public Task<ReadinessReport> BuildAsync(CancellationToken ct) => Task.FromResult(Report);
}
