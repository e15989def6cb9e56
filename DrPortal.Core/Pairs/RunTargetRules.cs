using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Pairs;

/// <summary>
/// What a drill, failover or failback may do to the VM it restores into. A drill's scratch VM and a failback's new VM
/// must be free (the task chose them free; anything there now is someone else's). A failback over the original VM
/// replaces it only while it is stopped: a running original means the primary site came back with it, and the portal
/// never stops a VM it did not start. A failover follows the replica's own rules.
/// </summary>
public static class RunTargetRules
{
    public static (TargetFate Fate, string Message) Decide(DrTaskKind kind, VmPair pair, bool ownMaking, string host, string label, ReplicaTargetFacts facts)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(facts);
        if (ownMaking)
        {
            return facts.Exists
                ? (TargetFate.Refused, $"{label} on {host} exists although it was free when this run chose it: it is not the portal's and is left untouched.")
                : (TargetFate.Created, $"{label} is created on {host}.");
        }
        if (kind == DrTaskKind.Failback)
        {
            if (!facts.Exists)
            {
                return (TargetFate.Created, $"The original {label} no longer exists on {host}; it is created again.");
            }
            return facts.State == VmPowerState.Stopped
                ? (TargetFate.ReplacesOther, $"The original {label} on {host} is stopped and is replaced, as the failback confirmed.")
                : (TargetFate.Refused, $"The original {label} on {host} is {facts.State.ToString().ToLowerInvariant()}: the primary site may have come back with it. " +
                                       "Shut it down yourself (the portal never stops a VM it did not start) or fail back into a new VM.");
        }
        return ReplicaTargetRules.Decide(pair, host, facts);
    }
}
