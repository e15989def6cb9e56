namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A disk of a domain as its XML describes it (device "disk" only: CD-ROMs and floppies are not backed up).</summary>
/// <param name="Dev">The target device, "vda".</param>
/// <param name="Type">The source type: "file", "block", "network", ...</param>
/// <param name="Source">The image path of a file disk, else null.</param>
/// <param name="Format">The driver's format, "qcow2" or "raw" (libvirt's default).</param>
public sealed record LibvirtDisk(string Dev, string Type, string? Source, string Format)
{
    /// <summary>Only file disks are copied into a restore point.</summary>
    public bool IsFile => Type == "file" && Source is not null;
}
