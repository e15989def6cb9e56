using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// The one place that builds Proxmox command lines, from typed values only. Values that arrive as text
/// (paths, storage ids) are checked here again and refused with <see cref="ArgumentException"/>, so no
/// caller can slip an unchecked string into a command; quoting is left to ShellQuoting.
/// </summary>
public static partial class ProxmoxCommands
{
    /// <summary>vzdump's --bwlimit is KiB/s in an integer; beyond ~1 TiB/s it means nothing.</summary>
    public const int MaxBandwidthLimitKiBps = 1 << 30;

    public static RemoteCommand QmList() => new("qm", "list");

    public static RemoteCommand QmStatus(VmId vmId) => new("qm", "status", Vmid(vmId));

    public static RemoteCommand QmConfig(VmId vmId) => new("qm", "config", Vmid(vmId));

    public static RemoteCommand QmStart(VmId vmId) => new("qm", "start", Vmid(vmId));

    /// <summary>Hard stop, like pulling the plug; used when a VM must not run any longer (before a restore over it).</summary>
    public static RemoteCommand QmStop(VmId vmId) => new("qm", "stop", Vmid(vmId));

    /// <summary>Clean shutdown through ACPI or the guest agent.</summary>
    public static RemoteCommand QmShutdown(VmId vmId) => new("qm", "shutdown", Vmid(vmId));

    public static RemoteCommand QmDestroy(VmId vmId) => new("qm", "destroy", Vmid(vmId));

    /// <summary>
    /// <c>qm set VMID --netN model=MAC,key=value,...</c>. The MAC is always passed (without it qm makes a new one); keys
    /// and values come from the host's own config and are checked to be plain property tokens all the same.
    /// </summary>
    /// <exception cref="ArgumentException">An index outside 0..31 or a key or value that is not a property token.</exception>
    public static RemoteCommand QmSetNet(VmId vmId, int index, ProxmoxNic nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 31);
        foreach (var (key, value) in nic.Options)
        {
            if (!NicKey().IsMatch(key) || !NicValue().IsMatch(value))
            {
                throw new ArgumentException($"'{key}={value}' is not a NIC property Proxmox knows.", nameof(nic));
            }
        }
        return new("qm", "set", Vmid(vmId), "--net" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), nic.ToString());
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z][a-z_-]{0,31}\z")]
    private static partial System.Text.RegularExpressions.Regex NicKey();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9.;:_-]{0,64}\z")]
    private static partial System.Text.RegularExpressions.Regex NicValue();

    public static RemoteCommand PveVersion() => new("pveversion");

    /// <summary>
    /// <c>vzdump VMID --dumpdir DIR --compress C --mode M --remove 0 [--bwlimit N]</c>.
    /// <c>--remove 0</c> because the portal owns retention: a node-wide prune policy in /etc/vzdump.conf
    /// must not delete archives the portal has recorded and may still need.
    /// </summary>
    /// <param name="bandwidthLimitKiBps">Read limit in KiB/s, or null for vzdump's default.</param>
    /// <exception cref="ArgumentException">A bad directory, enum value or limit.</exception>
    public static RemoteCommand Vzdump(VmId vmId, string dumpDirectory, BackupCompression compression, BackupMode mode, int? bandwidthLimitKiBps = null)
    {
        var arguments = new List<string>
        {
            Vmid(vmId),
            "--dumpdir", HostPath.Require(dumpDirectory, nameof(dumpDirectory)),
            "--compress", CompressArgument(compression),
            "--mode", ModeArgument(mode),
            "--remove", "0",
        };
        if (bandwidthLimitKiBps is { } limit)
        {
            arguments.Add("--bwlimit");
            arguments.Add(BandwidthLimit(limit, nameof(bandwidthLimitKiBps)));
        }
        return new RemoteCommand("vzdump", arguments);
    }

    /// <summary>
    /// <c>qmrestore ARCHIVE VMID [--force 1] [--storage ID]</c>. The archive must be an absolute path to a
    /// qemu archive whose name Proxmox accepts; <paramref name="force"/> replaces an existing VM and must
    /// only be set when the pair allows it.
    /// </summary>
    /// <exception cref="ArgumentException">A bad archive path or storage id.</exception>
    public static RemoteCommand Qmrestore(string archivePath, VmId vmId, bool force = false, string? storage = null)
    {
        HostPath.Require(archivePath, nameof(archivePath));
        if (!VzdumpArchiveName.TryParsePath(archivePath, out var archive) || archive.GuestType != VzdumpGuestType.Qemu)
        {
            throw new ArgumentException($"'{archivePath}' is not a vzdump archive of a qemu VM (vzdump-qemu-VMID-YYYY_MM_DD-HH_MM_SS.vma[.zst|.lzo|.gz]).", nameof(archivePath));
        }
        var arguments = new List<string> { archivePath, Vmid(vmId) };
        if (force)
        {
            arguments.Add("--force");
            arguments.Add("1");
        }
        if (storage is not null)
        {
            arguments.Add("--storage");
            arguments.Add(StorageId(storage, nameof(storage)));
        }
        return new RemoteCommand("qmrestore", arguments);
    }

    /// <summary><c>default(VmId)</c> is 0, which no constructor of VmId would give; it never reaches a host.</summary>
    private static string Vmid(VmId vmId) =>
        VmId.IsValid(vmId.Value) ? vmId.ToString() : throw new ArgumentOutOfRangeException(nameof(vmId), vmId.Value, VmId.ErrorMessage);

    private static string CompressArgument(BackupCompression compression) => compression switch
    {
        BackupCompression.None => "0",
        BackupCompression.Lzo => "lzo",
        BackupCompression.Gzip => "gzip",
        BackupCompression.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression."),
    };

    private static string ModeArgument(BackupMode mode) => mode switch
    {
        BackupMode.Snapshot => "snapshot",
        BackupMode.Suspend => "suspend",
        BackupMode.Stop => "stop",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown backup mode."),
    };

    private static string BandwidthLimit(int kibps, string parameterName) =>
        kibps is >= 1 and <= MaxBandwidthLimitKiBps
            ? kibps.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(parameterName, kibps, $"A bandwidth limit is 1 to {MaxBandwidthLimitKiBps} KiB/s.");

    private static string StorageId(string storage, string parameterName) =>
        ProxmoxProfile.StorageId().IsMatch(storage) && !storage.EndsWith('\n')
            ? storage
            : throw new ArgumentException($"'{storage}' is not a Proxmox storage id: a letter, then letters, digits, '.', '-' or '_'.", parameterName);
}
