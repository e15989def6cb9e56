namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <param name="Dev">The disk's target in the domain, "vda".</param>
/// <param name="VirtualSize">Bytes the guest sees.</param>
/// <param name="File">The restore point's file of this disk.</param>
public sealed record LibvirtPointDisk(string Dev, long VirtualSize, string File);
