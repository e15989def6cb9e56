namespace DrPortal.Core.Hypervisors;

/// <summary>A network a VM's NIC can join on a host (Proxmox: a bridge of the node; libvirt: a host bridge or a libvirt network).</summary>
/// <param name="Name">What a NIC names to join it ("vmbr0", "br0", "default").</param>
/// <param name="Isolated">It has no uplink out of the host (a bridge without ports, a libvirt network without forwarding): what a drill joins.</param>
/// <param name="Detail">For people: the ports, the address, the libvirt network's bridge; null when there is nothing to say.</param>
public sealed record HostNetwork(string Name, bool Isolated, string? Detail = null);
