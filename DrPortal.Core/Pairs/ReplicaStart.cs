namespace DrPortal.Core.Pairs;

/// <summary>
/// What happens to a replica after a restore. A replica is a clone of a running production VM (same MACs, same
/// addresses): started on a network the primary shares, it would collide with it. So the default leaves it off,
/// and starting it means its network links are down unless the admin says the networks are separate.
/// </summary>
public enum ReplicaStart
{
    /// <summary>Left stopped; failover starts it.</summary>
    Off,

    /// <summary>Started with every NIC's link down: it boots and can be checked, but cannot meet the primary on the wire.</summary>
    LinksDown,

    /// <summary>Started as restored, links up: only when the recovery site's networks are isolated from the primary's.</summary>
    Connected,
}
