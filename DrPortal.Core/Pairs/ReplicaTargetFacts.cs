using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Pairs;

/// <summary>What the recovery host says about the VM at a pair's target.</summary>
/// <param name="Identity">The hypervisor's identity of that VM (see <see cref="VmPair.ReplicaIdentity"/>); null when it has none.</param>
public sealed record ReplicaTargetFacts(bool Exists, string? Identity, VmPowerState State)
{
    public static ReplicaTargetFacts Absent { get; } = new(false, null, VmPowerState.Unknown);

    /// <summary>What the recovery host says about the target VM: there or not, its identity and power state.</summary>
    public static async Task<ReplicaTargetFacts> ReadAsync(IHypervisorDriver driver, Hypervisor host, VmRef vm, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(driver);
        if (!await driver.VmExistsAsync(host, vm, ct))
        {
            return Absent;
        }
        var identity = driver.GetVmIdentityAsync(host, vm, ct);
        var state = driver.GetStatusAsync(host, vm, ct);
        await Task.WhenAll(identity, state);
        return new ReplicaTargetFacts(true, identity.Result, state.Result);
    }
}
