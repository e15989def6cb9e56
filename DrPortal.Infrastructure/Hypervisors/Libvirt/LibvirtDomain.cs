namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>The facts of a domain's XML the driver works with.</summary>
/// <param name="Nvram">The path of its UEFI variable store, when it has one.</param>
public sealed record LibvirtDomain(string Name, string? Uuid, IReadOnlyList<LibvirtDisk> Disks, IReadOnlyList<LibvirtNic> Nics, string? Nvram);
