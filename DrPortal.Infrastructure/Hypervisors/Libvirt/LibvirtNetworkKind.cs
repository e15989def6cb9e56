namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>What a NIC joins on a libvirt host, which decides the interface type the driver writes.</summary>
public enum LibvirtNetworkKind
{
    /// <summary>A Linux bridge of the host (<c>&lt;interface type='bridge'&gt;</c>); libvirt 9 cannot tag a VLAN on it.</summary>
    LinuxBridge,

    /// <summary>A libvirt network (<c>&lt;interface type='network'&gt;</c>); it can tag a VLAN when it runs on Open vSwitch.</summary>
    Network,
}
