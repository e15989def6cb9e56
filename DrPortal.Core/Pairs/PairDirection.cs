namespace DrPortal.Core.Pairs;

/// <summary>Where a pair's service runs.</summary>
public enum PairDirection
{
    /// <summary>On the primary site; the recovery site holds the replica.</summary>
    Protected,

    /// <summary>
    /// On the recovery site after a failover: the replica is the service now, so nothing may overwrite it (schedules are
    /// paused, replication is refused) until a failback brings the service home.
    /// </summary>
    FailedOver,
}
