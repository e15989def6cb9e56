namespace DrPortal.Core.Hypervisors;

/// <summary>A NIC of a VM as its configuration says.</summary>
/// <param name="Id">"net0", "net1", ... in the order of the VM's configuration, for every kind.</param>
/// <param name="Mac">Its MAC address, upper case; null when the configuration has none.</param>
/// <param name="Network">The bridge or network it joins; null when it joins none.</param>
/// <param name="VlanTag">Its VLAN tag, or null for none.</param>
/// <param name="LinkUp">Whether its link is up in the configuration.</param>
/// <param name="Model">The device model ("virtio", "e1000"), when known.</param>
public sealed record VmNic(string Id, string? Mac, string? Network, int? VlanTag, bool LinkUp, string? Model = null);
