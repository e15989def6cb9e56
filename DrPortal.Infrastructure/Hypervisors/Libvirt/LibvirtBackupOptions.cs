using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A pair's libvirt backup options, read from its option map (validated against <see cref="LibvirtProfile"/>).</summary>
/// <param name="Incremental">Build on the newest verified point through a libvirt checkpoint when the chain allows it.</param>
/// <param name="FullEvery">A full point after this many incrementals in a row; 0 never forces one.</param>
/// <param name="Compress">Write the disk files with qcow2's zlib compression before they are transferred.</param>
public sealed record LibvirtBackupOptions(bool Incremental, int FullEvery, bool Compress)
{
    public const string IncrementalKey = "incremental";
    public const string FullEveryKey = "fullEvery";
    public const string CompressKey = "compress";

    public static IReadOnlyList<BackupOptionSpec> Specs { get; } =
    [
        new(IncrementalKey, "Incremental backups",
            "After the first full point, back up only the blocks that changed since the newest verified point (libvirt checkpoints). " +
            "A broken chain (checkpoint gone, domain redefined, disk added) falls back to a full point and says why.",
        [
            new("on", "On", "Full first, then only the changes (recommended)"),
            new("off", "Off", "Every point is a full copy of the disks"),
        ], "on"),
        new(FullEveryKey, "Full point every",
            "How many incremental points may follow a full one before the next is full again: a longer chain moves fewer bytes but needs every link to restore.",
        [
            new("6", "6 incrementals", "A full point each week with daily backups"),
            new("13", "13 incrementals", "A full point every two weeks with daily backups"),
            new("29", "29 incrementals", "A full point each month with daily backups"),
            new("0", "Never", "Only the first point and a broken chain are full"),
        ], "6"),
        new(CompressKey, "Compression",
            "Compress the disk files (qcow2 zlib, qemu-img convert -c) on the host before they are transferred: fewer bytes on the link, more CPU on the host.",
        [
            new("none", "None", "Files as the backup wrote them; the least CPU"),
            new("zlib", "zlib", "qcow2-compressed clusters; smaller files for compressible disks"),
        ], "none"),
    ];

    public static LibvirtBackupOptions From(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var incremental = options.GetValueOrDefault(IncrementalKey, "on") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"Unknown value '{other}' of the libvirt option {IncrementalKey}.", nameof(options)),
        };
        var fullEvery = options.GetValueOrDefault(FullEveryKey, "6") switch
        {
            "0" => 0,
            "6" => 6,
            "13" => 13,
            "29" => 29,
            var other => throw new ArgumentException($"Unknown value '{other}' of the libvirt option {FullEveryKey}.", nameof(options)),
        };
        var compress = options.GetValueOrDefault(CompressKey, "none") switch
        {
            "none" => false,
            "zlib" => true,
            var other => throw new ArgumentException($"Unknown value '{other}' of the libvirt option {CompressKey}.", nameof(options)),
        };
        return new(incremental, fullEvery, compress);
    }
}
