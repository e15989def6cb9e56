namespace DrPortal.Core.Hypervisors;

/// <summary>What a mapped NIC's MAC address becomes on the recovered VM.</summary>
public enum MacPolicy
{
    /// <summary>The primary's MAC stays (a failover keeps DHCP reservations and licences bound to it).</summary>
    Keep,

    /// <summary>The hypervisor makes a new MAC (a drill's copy must never answer with the primary's).</summary>
    New,
}
