namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A NIC mapping resolved against the host: what <see cref="LibvirtDomainXml.WithNetwork"/> writes into one interface.</summary>
/// <param name="Index">The interface's position in the domain XML (net0 is 0).</param>
/// <param name="Target">The network it joins; null keeps the one it has.</param>
/// <param name="VlanTag">The tag to write, or null for no <c>&lt;vlan&gt;</c>.</param>
/// <param name="NewMac">Remove the MAC so libvirt makes a new one at define.</param>
public sealed record LibvirtNicChange(int Index, LibvirtHostNetwork? Target, int? VlanTag, bool NewMac, bool LinkUp);
