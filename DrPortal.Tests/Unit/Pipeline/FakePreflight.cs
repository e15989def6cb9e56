using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>A pre-flight that passes, or fails with one check when told to.</summary>
internal sealed class FakePreflight : IPairPreflight
{
    public string? Failure { get; set; }

    public Task<PreflightReport?> CheckAsync(int pairId, DrTaskKind kind, long? archiveId, CancellationToken ct) =>
        Task.FromResult<PreflightReport?>(new PreflightReport(
            [new PreflightCheck("Recovery target", Failure is null ? PreflightStatus.Passed : PreflightStatus.Failed, Failure ?? "fine")],
            Failure is null ? TargetFate.Created : TargetFate.Refused, Failure ?? "created"));
}
