using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>One NIC of a network mapping: what its configuration says now and what `qm set --netN` is to make of it.</summary>
public sealed record ProxmoxNicChange(int Index, NicMapping Mapping, ProxmoxNic Current, ProxmoxNic Wanted)
{
    public string Id => "net" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
