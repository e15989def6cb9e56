namespace DrPortal.Core.Recovery;

public enum DrRunKind
{
    /// <summary>Test failover: scratch copies on the drill network, checked, timed and removed; production untouched.</summary>
    Drill,

    /// <summary>Sources shut down on request, a last replication, then the plan's start order on the recovery site.</summary>
    PlannedFailover,

    /// <summary>The primary site is gone: start from the newest verified copies the portal holds, never waiting on a primary host.</summary>
    DisasterFailover,

    /// <summary>The recovery VMs replicated back to the primary site, then started there in the plan's order.</summary>
    Failback,
}
