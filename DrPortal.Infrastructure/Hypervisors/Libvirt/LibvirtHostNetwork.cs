using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A bridge or libvirt network of a host, with what the driver needs to write a NIC onto it.</summary>
/// <param name="VlanCapable">libvirt can tag a VLAN on a NIC here (Open vSwitch, or a network on it).</param>
public sealed record LibvirtHostNetwork(string Name, LibvirtNetworkKind Kind, bool Isolated, bool VlanCapable, string? Detail)
{
    public HostNetwork ToHostNetwork() => new(Name, Isolated, Detail);
}
