using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Pairs;

/// <summary>What the recovery host says about the VM at a pair's target.</summary>
/// <param name="Identity">The hypervisor's identity of that VM (see <see cref="VmPair.ReplicaIdentity"/>); null when it has none.</param>
public sealed record ReplicaTargetFacts(bool Exists, string? Identity, VmPowerState State)
{
    public static ReplicaTargetFacts Absent { get; } = new(false, null, VmPowerState.Unknown);
}
