using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Pairs;

/// <summary>A pair's recovery settings with what the editor offers: the recovery host's networks and the source VM's NICs.</summary>
/// <param name="TargetNetworks">The recovery host's networks; empty with <paramref name="NetworksError"/> when it could not be asked.</param>
/// <param name="SourceNics">The source VM's NICs as its host reports them, or as last recorded when it cannot be asked.</param>
public sealed record PairRecoveryView(
    int PairId, PairRecoveryInput Settings, IReadOnlyList<HostNetwork> TargetNetworks, string? NetworksError,
    IReadOnlyList<VmNic> SourceNics, string? NicsError);
