using System.Globalization;
using System.Text.RegularExpressions;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>The guest type a vzdump archive holds; only qemu archives can be given to qmrestore.</summary>
public enum VzdumpGuestType
{
    Qemu,
    Lxc,
    OpenVz,
}

/// <summary>Compression as read from an archive's extension; bz2 exists only in old OpenVZ archives.</summary>
public enum ArchiveCompression
{
    None,
    Lzo,
    Gzip,
    Zstd,
    Bzip2,
}

/// <summary>
/// A vzdump archive file name, accepted only if Proxmox itself would accept it
/// (<c>vzdump-qemu-100-2024_01_31-14_05_09.vma.zst</c>). Such a name holds only safe characters,
/// so a validated name can travel in command lines and repository paths.
/// </summary>
public sealed partial record VzdumpArchiveName
{
    private VzdumpArchiveName(string fileName, VzdumpGuestType guestType, VmId vmId, DateTime timestamp, string format, ArchiveCompression compression)
    {
        FileName = fileName;
        GuestType = guestType;
        VmId = vmId;
        Timestamp = timestamp;
        Format = format;
        Compression = compression;
    }

    public string FileName { get; }

    public VzdumpGuestType GuestType { get; }

    public VmId VmId { get; }

    /// <summary>When the backup started, in the host's local time (the name carries no zone).</summary>
    public DateTime Timestamp { get; }

    /// <summary>"vma" for qemu, "tar" for containers.</summary>
    public string Format { get; }

    public ArchiveCompression Compression { get; }

    /// <summary>The name without format and compression: "vzdump-qemu-100-2024_01_31-14_05_09".</summary>
    public string BaseName => FileName[..FileName.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The log vzdump writes beside the archive; it carries no archive extension.</summary>
    public string LogFileName => BaseName + ".log";

    public string NotesFileName => FileName + ".notes";

    public string ProtectedMarkerFileName => FileName + ".protected";

    /// <summary>The name while vzdump is still writing: ".dat" in place of the last extension.</summary>
    public string InProgressFileName => FileName[..FileName.LastIndexOf('.')] + ".dat";

    // Proxmox's own pattern (PVE::Storage::Plugin), with \d written [0-9] because .NET's \d also matches
    // non-ASCII digits, and \z for $ because .NET's $ also matches before a trailing newline.
    [GeneratedRegex(@"^vzdump-(lxc|openvz|qemu)-([1-9][0-9]{2,8})-([0-9]{4})_([0-9]{2})_([0-9]{2})-([0-9]{2})_([0-9]{2})_([0-9]{2})\.(vma|tar)(\.(gz|lzo|zst|bz2))?\z")]
    private static partial Regex ArchivePattern();

    /// <summary>
    /// Parses a bare file name (no directory). Refuses anything the Proxmox pattern refuses, and also
    /// timestamps that are not a real date or time (month 13), which no vzdump can have written.
    /// </summary>
    public static bool TryParse(string? fileName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VzdumpArchiveName? name)
    {
        name = null;
        if (fileName is null)
        {
            return false;
        }
        var m = ArchivePattern().Match(fileName);
        if (!m.Success || !VmId.TryParse(m.Groups[2].Value, out var vmId))
        {
            return false;
        }
        var stamp = string.Concat(m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value, m.Groups[7].Value, m.Groups[8].Value);
        if (!DateTime.TryParseExact(stamp, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
        {
            return false;
        }
        var guest = m.Groups[1].Value switch
        {
            "qemu" => VzdumpGuestType.Qemu,
            "lxc" => VzdumpGuestType.Lxc,
            _ => VzdumpGuestType.OpenVz,
        };
        var compression = m.Groups[11].Value switch
        {
            "" => ArchiveCompression.None,
            "lzo" => ArchiveCompression.Lzo,
            "gz" => ArchiveCompression.Gzip,
            "zst" => ArchiveCompression.Zstd,
            _ => ArchiveCompression.Bzip2,
        };
        name = new VzdumpArchiveName(fileName, guest, vmId, timestamp, m.Groups[9].Value, compression);
        return true;
    }

    /// <summary>Parses the last segment of a path such as "/var/lib/vz/dump/vzdump-qemu-100-....vma.zst".</summary>
    public static bool TryParsePath(string? path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VzdumpArchiveName? name)
    {
        name = null;
        return path is not null && TryParse(path[(path.LastIndexOf('/') + 1)..], out name);
    }

    /// <summary>
    /// The final name of an archive vzdump is still writing. ".dat" replaced the last extension, which is
    /// the compression's, or the format's when there is no compression; so the compression the backup
    /// was started with is needed to undo it. Null when the name is not an in-progress archive name.
    /// </summary>
    public static string? FinalFileName(string inProgressFileName, BackupCompression compression)
    {
        const string dat = ".dat";
        if (!inProgressFileName.EndsWith(dat, StringComparison.Ordinal))
        {
            return null;
        }
        var stem = inProgressFileName[..^dat.Length];
        var suffix = compression switch
        {
            BackupCompression.Lzo => ".lzo",
            BackupCompression.Gzip => ".gz",
            BackupCompression.Zstd => ".zst",
            _ => "",
        };
        var hasFormat = stem.EndsWith(".vma", StringComparison.Ordinal) || stem.EndsWith(".tar", StringComparison.Ordinal);
        if (hasFormat == (compression == BackupCompression.None))
        {
            // A compressed archive keeps its format in the in-progress name; an uncompressed one loses it.
            return null;
        }
        var final = hasFormat
            ? stem + suffix
            : stem + (stem.StartsWith("vzdump-qemu-", StringComparison.Ordinal) ? ".vma" : ".tar");
        return TryParse(final, out _) ? final : null;
    }

    public override string ToString() => FileName;
}
