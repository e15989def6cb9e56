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

    /// <summary>Clean shutdown through ACPI or the guest agent, with qm's own timeout (default 60 s).</summary>
    public static RemoteCommand QmShutdown(VmId vmId) => new("qm", "shutdown", Vmid(vmId));

    /// <summary>Longest graceful shutdown the portal waits for: a day is already more than any guest needs.</summary>
    public static readonly TimeSpan MaxShutdownTimeout = TimeSpan.FromDays(1);

    /// <summary>
    /// <c>qm shutdown VMID --timeout N</c> (whole seconds, rounded up). Never <c>--forceStop</c>: a guest that does not
    /// stop in time keeps running and qm fails with <c>VM quit/powerdown failed - got timeout</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout under one second or over a day.</exception>
    public static RemoteCommand QmShutdown(VmId vmId, TimeSpan timeout)
    {
        if (timeout < TimeSpan.FromSeconds(1) || timeout > MaxShutdownTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A shutdown timeout is 1 second to 1 day.");
        }
        var seconds = (long)Math.Ceiling(timeout.TotalSeconds);
        return new("qm", "shutdown", Vmid(vmId), "--timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary><c>qm guest cmd VMID ping</c>: exit 0 with no output when the guest agent answers.</summary>
    public static RemoteCommand QmGuestPing(VmId vmId) => new("qm", "guest", "cmd", Vmid(vmId), "ping");

    /// <summary>
    /// <c>pvesh get /nodes/localhost/network --output-format json</c>: the node the portal is logged in to, by the name
    /// pvesh gives it itself, so the portal's name for the host never has to match the node name.
    /// </summary>
    public static RemoteCommand PveshNodeNetwork() => new("pvesh", "get", "/nodes/localhost/network", "--output-format", "json");

    public static RemoteCommand QmDestroy(VmId vmId) => new("qm", "destroy", Vmid(vmId));

    /// <summary>
    /// <c>qm set VMID --netN model[=MAC],key=value,...</c>: the one builder of a NIC's property string, for a network
    /// mapping and for link changes alike. The MAC is passed when the NIC has one (without it qm makes a new one). Every
    /// key and value is checked to be a plain property token, the model to be one qemu-server knows, the bridge to be a
    /// bridge name and the tag a VLAN id, whether they come from the host's own config or from a mapping.
    /// </summary>
    /// <exception cref="ArgumentException">An index outside 0..31, or a model, MAC, key or value Proxmox would not take.</exception>
    public static RemoteCommand QmSetNet(VmId vmId, int index, ProxmoxNic nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 31);
        if (!ProxmoxNic.Models.Contains(nic.Model) || (nic.Mac is { } mac && !ProxmoxNic.IsMac(mac)))
        {
            throw new ArgumentException($"'{nic.Model}={nic.Mac}' is not a NIC model and MAC Proxmox knows.", nameof(nic));
        }
        foreach (var (key, value) in nic.Options)
        {
            if (!NicKey().IsMatch(key) || !NicValue().IsMatch(value)
                || (key == "bridge" && !ProxmoxBridge.TryParse(value, out _))
                || (key == "tag" && !(int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var tag)
                                      && tag is >= 1 and <= NicMapping.MaxVlanTag)))
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
