using System.Globalization;
using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// How the driver names what it makes: restore-point files unique per domain (&lt;domain&gt;-&lt;stamp&gt;-&lt;dev&gt;.qcow2),
/// checkpoints (drportal-&lt;stamp&gt;) and restored disks. Every name is a plain file name of safe characters.
/// </summary>
public static partial class LibvirtFileNames
{
    public const string CheckpointPrefix = "drportal-";

    /// <summary>UTC to the second, sortable: "20261202T080102Z".</summary>
    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Checkpoint(string stamp) => CheckpointPrefix + RequireStamp(stamp);

    public static string Label(string domain, string stamp) => $"{domain}-{RequireStamp(stamp)}";

    public static string DiskFile(string domain, string stamp, string dev) => $"{Safe(domain)}-{RequireStamp(stamp)}-{RequireDev(dev)}.qcow2";

    public static string XmlFile(string domain, string stamp) => $"{Safe(domain)}-{RequireStamp(stamp)}.xml";

    public static string NvramFile(string domain, string stamp) => $"{Safe(domain)}-{RequireStamp(stamp)}-nvram.fd";

    /// <summary>A restored disk in the storage directory; the restore's own stamp keeps it apart from the disks it replaces.</summary>
    public static string RestoredDisk(string domain, string stamp, string dev) => $"{Safe(domain)}-r{RequireStamp(stamp)}-{RequireDev(dev)}.qcow2";

    public static string RestoredNvram(string domain, string stamp) => $"{Safe(domain)}-r{RequireStamp(stamp)}-nvram.fd";

    /// <summary>The stamp of a restore-point disk file of the domain and disk (the inverse of <see cref="DiskFile"/>), or null when it is not one.</summary>
    public static string? StampOfDiskFile(string domain, string dev, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (!IsDev(dev))
        {
            return null;
        }
        var (prefix, suffix) = ($"{Safe(domain)}-", $"-{dev}.qcow2");
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(suffix, StringComparison.Ordinal)
            || fileName.Length < prefix.Length + suffix.Length)
        {
            return null;
        }
        var stamp = fileName[prefix.Length..^suffix.Length];
        return Stamp().IsMatch(stamp) ? stamp : null;
    }

    /// <summary>A disk target a file name may carry: vda, sdb, hdc, vdaa.</summary>
    public static bool IsDev(string? dev) => dev is not null && Dev().IsMatch(dev);

    public static bool IsCheckpoint(string? name) => name is not null && CheckpointName().IsMatch(name);

    /// <exception cref="ArgumentException">Not a disk target of letters and digits.</exception>
    public static string RequireDev(string dev) =>
        IsDev(dev) ? dev : throw new ArgumentException($"'{dev}' is not a disk target (vda, sdb, ...).", nameof(dev));

    // File names on the host hold no '+' (the transport's path rule): it is spelt out, so "a+b" and "a-b" stay apart.
    private static string Safe(string domain) => domain.Replace("+", "_x2B_", StringComparison.Ordinal);

    private static string RequireStamp(string stamp) =>
        Stamp().IsMatch(stamp) ? stamp : throw new ArgumentException($"'{stamp}' is not a restore-point stamp (yyyyMMddTHHmmssZ).", nameof(stamp));

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z\\z")]
    private static partial Regex Stamp();

    [GeneratedRegex("^[a-z]{2,3}[a-z0-9]{1,8}\\z")]
    private static partial Regex Dev();

    [GeneratedRegex("^drportal-[0-9]{8}T[0-9]{6}Z\\z")]
    private static partial Regex CheckpointName();
}
