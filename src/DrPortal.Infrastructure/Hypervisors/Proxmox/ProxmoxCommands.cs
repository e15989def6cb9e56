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

    /// <summary>The first line a <see cref="Tracked"/> command prints: its process id, for a cancel to signal.</summary>
    public const string PidMarker = "drportal-pid ";

    /// <summary>
    /// Runs <paramref name="command"/> so that its PID comes first on stdout (<see cref="PidMarker"/>) and, with a tag,
    /// with DRPORTAL_RUN=tag in its environment, which its children inherit and <see cref="StopTagged"/> looks for.
    /// </summary>
    public static RemoteCommand Tracked(RemoteCommand command, CommandTag? tag)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RemoteCommand.Script(
            "[ -n \"$1\" ] && export DRPORTAL_RUN=\"$1\"; shift; echo \"" + PidMarker + "$$\"; exec \"$@\"",
            [tag?.Value ?? "", command.Program, .. command.Arguments]);
    }

    /// <summary>Sends SIGTERM to a process and waits up to ~10 s for it to end (vzdump and qmrestore clean up on SIGTERM).</summary>
    public static RemoteCommand Terminate(int pid) => RemoteCommand.Script(
        "kill -TERM \"$1\" 2>/dev/null || exit 0; i=0; while kill -0 \"$1\" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done",
        pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Finds the processes whose environment holds DRPORTAL_RUN=tag and sends SIGTERM to the outermost ones, so they
    /// clean up as on a cancel (vzdump removes its partial file and unlocks the VM, and ends its own children); after
    /// 20 s any tagged process still alive gets SIGTERM too. Prints "stopped N" (N outermost processes); exit 1 if
    /// some lived on another 10 s.
    /// </summary>
    public static RemoteCommand StopTagged(CommandTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return RemoteCommand.Script(StopTaggedScript, tag.Value);
    }

    private const string StopTaggedScript = """
        want="DRPORTAL_RUN=$1"
        # One grep over every environment (NUL-separated entries); a zombie's is empty, so only live processes match.
        tagged() { grep -lzxF "$want" /proc/[0-9]*/environ 2>/dev/null | sed 's,^/proc/,,; s,/environ$,,' | grep -vx "$$"; }
        gone() { [ -z "$(tagged)" ]; }
        wait_gone() { i=0; while [ $i -lt "$1" ]; do gone && return 0; sleep 0.2; i=$((i+1)); done; return 1; }
        pids=" $(tagged | tr '\n' ' ') "; roots=""; n=0
        for p in $pids; do
          pp=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null)
          case "$pids" in *" $pp "*) ;; *) roots="$roots $p" ;; esac
        done
        # Roots first, signals after: a child whose parent died mid-loop would look like a root of its own.
        for p in $roots; do kill -TERM "$p" 2>/dev/null && n=$((n+1)); done
        echo "stopped $n"
        wait_gone 100 && exit 0
        for p in $(tagged); do kill -TERM "$p" 2>/dev/null; done
        wait_gone 50
        """;

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
        TextRules.StorageId().IsMatch(storage) && !storage.EndsWith('\n')
            ? storage
            : throw new ArgumentException($"'{storage}' is not a Proxmox storage id: a letter, then letters, digits, '.', '-' or '_'.", parameterName);
}
