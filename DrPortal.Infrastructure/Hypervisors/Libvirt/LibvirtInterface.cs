namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A domain's <c>&lt;interface&gt;</c> as its XML says, in document order.</summary>
/// <param name="Type">The interface type: "bridge", "network", "direct", "user", ...</param>
/// <param name="Source">The bridge (type bridge) or libvirt network (type network) it joins; null for other types.</param>
/// <param name="VlanTag">The first <c>&lt;vlan&gt;&lt;tag id/&gt;</c>, when it has one.</param>
/// <param name="VirtualPort">The <c>&lt;virtualport type/&gt;</c> ("openvswitch"), when it has one.</param>
public sealed record LibvirtInterface(string Type, string? Mac, string? Source, int? VlanTag, bool LinkDown, string? Model, string? VirtualPort = null);
