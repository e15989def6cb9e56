using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Components;

/// <summary>Answers with the report a test sets; the real checks are tested against the lab.</summary>
internal sealed class FakePairPreflight : IPairPreflight
{
    public PreflightReport Report { get; set; } = new(
        [new PreflightCheck("Source VM 101", PreflightStatus.Passed, "VM 101 (web01) is on pve-dc1, running.")],
        TargetFate.Created, "VM 9101 on pve-dr1 does not exist yet: the restore creates it.");

    public List<(int PairId, DrTaskKind Kind)> Asked { get; } = [];

    public Task<PreflightReport?> CheckAsync(int pairId, DrTaskKind kind, long? archiveId, CancellationToken ct)
    {
        Asked.Add((pairId, kind));
        return Task.FromResult<PreflightReport?>(Report);
    }
}
