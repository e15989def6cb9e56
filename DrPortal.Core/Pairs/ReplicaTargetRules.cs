using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Pairs;

/// <summary>
/// Whether a restore may touch the VM at a pair's target. The pair's own replica (the identity it recorded after its
/// last restore) is the pair's to replace; any other VM is protected unless the pair allows overwriting. A replica
/// that runs although the pair leaves replicas stopped was started by someone else — after a failover it may be
/// production — so it is protected too. Pure: the pre-flight check and the restore stage ask the same question.
/// </summary>
public static class ReplicaTargetRules
{
    public static (TargetFate Fate, string Message) Decide(VmPair pair, string targetHost, ReplicaTargetFacts facts)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(facts);
        var vm = $"VM {pair.TargetVm} on {targetHost}";
        if (!facts.Exists)
        {
            return (TargetFate.Created, $"{vm} does not exist yet: the restore creates it.");
        }
        var running = facts.State == VmPowerState.Running;
        var own = pair.ReplicaIdentity is { } mine && facts.Identity is { } theirs && string.Equals(mine, theirs, StringComparison.Ordinal);
        if (own && (!running || pair.ReplicaStart != ReplicaStart.Off))
        {
            return (TargetFate.ReplacesOwnReplica, $"{vm} is this pair's replica: it is {(running ? "stopped and " : "")}replaced.");
        }
        if (pair.OverwriteExistingTarget)
        {
            return (TargetFate.ReplacesOther, own
                ? $"{vm} is this pair's replica but someone started it; 'replace a VM this pair did not create' is on, so it is stopped and replaced."
                : $"{vm} was not created by this pair; 'replace a VM this pair did not create' is on, so it is {(running ? "stopped and " : "")}replaced.");
        }
        return (TargetFate.Refused, own
            ? $"{vm} is this pair's replica, but it is running and this pair leaves replicas stopped, so someone started it (a failover or a test?). " +
              $"Nothing was changed. Stop it on {targetHost} if it may be replaced, or turn on 'replace a VM this pair did not create' on the pair."
            : $"{vm} exists and was not created by this pair (or was recreated since its last restore). Nothing was changed. " +
              "Pick another target VM, remove that VM, or turn on 'replace a VM this pair did not create' on the pair to replace it.");
    }
}
