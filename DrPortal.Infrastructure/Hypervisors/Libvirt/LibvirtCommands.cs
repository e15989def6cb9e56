using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// The one place that builds libvirt and qemu-img command lines, from checked values only: domain names, disk targets,
/// checkpoint names, MACs and paths are checked here again and refused with <see cref="ArgumentException"/>. Domains are
/// always passed with <c>--domain</c>, so no name can be read as an option; quoting is left to ShellQuoting, and fixed
/// scripts get values only as positional parameters.
/// </summary>
public static partial class LibvirtCommands
{
    public const string Uri = "qemu:///system";

    /// <summary>Prefix of the scripts: virsh always on the system daemon, never the session one.</summary>
    private const string ScriptHeader = """
        v() { virsh -c qemu:///system "$@"; }

        """;

    public static RemoteCommand Version() => Virsh("version");

    /// <summary>Every domain with its facts in one round trip; <see cref="LibvirtInventoryParser"/> reads it.</summary>
    public static RemoteCommand Inventory() => RemoteCommand.Script(ScriptHeader + """
        names=$(v list --all --name) || exit 1
        printf '%s\n' "$names" | while IFS= read -r d; do
          [ -n "$d" ] || continue
          echo "@domain $d"
          v dominfo --domain "$d"
          echo "@blk"
          v domblkinfo --domain "$d" --all 2>/dev/null
          echo "@pid"
          case "$d" in */*) ;; *) cat "/run/libvirt/qemu/$d.pid" 2>/dev/null; echo ;; esac
        done
        echo "@end"
        """);

    public static RemoteCommand DomainNames() => Virsh("list", "--all", "--name");

    public static RemoteCommand DomState(string domain) => Virsh("domstate", "--domain", Domain(domain));

    public static RemoteCommand DomUuid(string domain) => Virsh("domuuid", "--domain", Domain(domain));

    /// <summary><c>dumpxml</c>: the live definition of a running domain, or (inactive) the persistent one it is defined from.</summary>
    public static RemoteCommand DumpXml(string domain, bool inactive) =>
        inactive ? Virsh("dumpxml", "--domain", Domain(domain), "--inactive") : Virsh("dumpxml", "--domain", Domain(domain));

    /// <summary>Capacity (virtual size) of every disk, in bytes.</summary>
    public static RemoteCommand DomBlkInfo(string domain) => Virsh("domblkinfo", "--domain", Domain(domain), "--all");

    public static RemoteCommand CheckpointNames(string domain) => Virsh("checkpoint-list", "--domain", Domain(domain), "--name");

    public static RemoteCommand CheckpointDelete(string domain, string checkpoint) =>
        Virsh("checkpoint-delete", "--domain", Domain(domain), "--checkpointname", Checkpoint(checkpoint));

    public static RemoteCommand FsFreeze(string domain) => Virsh("domfsfreeze", "--domain", Domain(domain));

    public static RemoteCommand FsThaw(string domain) => Virsh("domfsthaw", "--domain", Domain(domain));

    /// <summary>
    /// <c>virsh backup-begin</c> in push mode with its two documents, written to private temporary files in the staging
    /// directory (virsh reads them from files) and removed afterwards. Without a checkpoint document no checkpoint is made.
    /// </summary>
    public static RemoteCommand BackupBegin(string domain, string stagingDirectory, string backupXml, string? checkpointXml)
    {
        ArgumentNullException.ThrowIfNull(backupXml);
        return RemoteCommand.Script(ScriptHeader + """
            d=$1; dir=$2
            b=$(mktemp "$dir/.drportal-backup-XXXXXX") || exit 1
            c=$(mktemp "$dir/.drportal-checkpoint-XXXXXX") || { rm -f "$b"; exit 1; }
            printf '%s' "$3" >"$b"; printf '%s' "$4" >"$c"
            if [ -n "$4" ]; then v backup-begin --domain "$d" --backupxml "$b" --checkpointxml "$c"; else v backup-begin --domain "$d" --backupxml "$b"; fi
            rc=$?
            rm -f "$b" "$c"
            exit $rc
            """, Domain(domain), HostPath.Require(stagingDirectory, nameof(stagingDirectory)), backupXml, checkpointXml ?? "");
    }

    /// <summary>The line after each <c>domjobinfo</c> block of <see cref="WaitForJob"/>; the completed job's block follows <see cref="CompletedMarker"/>.</summary>
    public const string PollMarker = "@poll";

    public const string CompletedMarker = "@completed";

    /// <summary>
    /// Waits on the host for the domain's job to end, printing its <c>domjobinfo</c> every half second (progress), then
    /// the completed job's statistics (read once: libvirt forgets them when read). Blank lines are dropped. Runs
    /// tracked: a portal that dies leaves a PID the next attempt stops.
    /// </summary>
    public static RemoteCommand WaitForJob(string domain) => RemoteCommand.Script(ScriptHeader + """
        d=$1
        while :; do
          out=$(v domjobinfo --domain "$d" 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
          printf '%s\n' "$out" | sed '/^ *$/d'
          echo "@poll"
          printf '%s\n' "$out" | grep -q '^Job type: *None' && break
          sleep 0.5
        done
        echo "@completed"
        v domjobinfo --domain "$d" --completed | sed '/^ *$/d'
        """, Domain(domain));

    public static RemoteCommand JobInfo(string domain) => Virsh("domjobinfo", "--domain", Domain(domain));

    /// <summary>The domainbackup document of the domain's running backup job (its target files).</summary>
    public static RemoteCommand BackupDumpXml(string domain) => Virsh("backup-dumpxml", "--domain", Domain(domain));

    public static RemoteCommand JobAbort(string domain) => Virsh("domjobabort", "--domain", Domain(domain));

    /// <summary>
    /// Makes a disk file a backup wrote standalone (no backing file naming a host path) and, when asked, rewrites it with
    /// qcow2 zlib compression. Unallocated clusters must stay unallocated (an incremental's unchanged blocks), so the
    /// compressing copy reads the file over a blank backing image and writes with that backing: only the file's own
    /// clusters are copied, zeroes written by the guest included. The file is replaced only when the copy succeeded.
    /// </summary>
    public static RemoteCommand FinishBackupDisk(string path, bool compress)
    {
        HostPath.Require(path, nameof(path));
        var blank = path + ".blank";
        return RemoteCommand.Script("""
            f=$1; z=$2; src=$3; blank=$4; out=$5
            qemu-img rebase -u -b '' "$f" || exit 1
            [ "$z" = 1 ] || exit 0
            size=$(qemu-img info --output=json "$f" | sed -n 's/^ *"virtual-size": *\([0-9][0-9]*\).*/\1/p' | head -n 1)
            [ -n "$size" ] || { echo "qemu-img info gave no virtual size for $f" >&2; exit 1; }
            rm -f "$blank" "$out"
            qemu-img create -q -f qcow2 "$blank" "$size" \
              && qemu-img convert -c -O qcow2 -F qcow2 -B "$blank" "$src" "$out" \
              && qemu-img rebase -u -b '' "$out" \
              && mv -f "$out" "$f"
            rc=$?
            rm -f "$blank" "$out"
            exit $rc
            """, path, compress ? "1" : "0", "json:" + ChainSpec([blank, path]), blank, path + ".zlib");
    }

    /// <summary>The files a finishing or copying step may leave beside a disk file when it is cut short.</summary>
    public static IEnumerable<string> LeftoversOf(string path) => [path, path + ".blank", path + ".zlib", path + ".part"];

    public static RemoteCommand ReadFile(string path) => new("cat", "--", HostPath.Require(path, nameof(path)));

    /// <summary><c>qemu-img convert</c> of a stopped domain's disk into a standalone qcow2 (holding the image's lock: a start meanwhile fails).</summary>
    public static RemoteCommand CopyStoppedDisk(string source, string format, string target, bool compress)
    {
        var arguments = new List<string> { "convert", "-f", Format(format), "-O", "qcow2" };
        if (compress)
        {
            arguments.Add("-c");
        }
        arguments.Add(HostPath.Require(source, nameof(source)));
        arguments.Add(HostPath.Require(target, nameof(target)));
        return new RemoteCommand("qemu-img", arguments);
    }

    /// <summary>The persistent definition of the domain into a file, written whole or not at all.</summary>
    public static RemoteCommand SaveDomainXml(string domain, string path) => RemoteCommand.Script(ScriptHeader + """
        v dumpxml --domain "$1" --inactive >"$2.part" && mv -f "$2.part" "$2"
        rc=$?; rm -f "$2.part"; exit $rc
        """, Domain(domain), HostPath.Require(path, nameof(path)));

    public static RemoteCommand CopyFile(string source, string target) => RemoteCommand.Script("""
        cp -f -- "$1" "$2.part" && mv -f -- "$2.part" "$2"
        rc=$?; rm -f -- "$2.part"; exit $rc
        """, HostPath.Require(source, nameof(source)), HostPath.Require(target, nameof(target)));

    public static RemoteCommand MoveFile(string source, string target) =>
        new("mv", "-f", "--", HostPath.Require(source, nameof(source)), HostPath.Require(target, nameof(target)));

    /// <exception cref="ArgumentException">No path, or one that is not a safe absolute path.</exception>
    public static RemoteCommand RemoveFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var checkedPaths = paths.Select(p => HostPath.Require(p, nameof(paths))).ToList();
        if (checkedPaths.Count == 0)
        {
            throw new ArgumentException("No file to remove.", nameof(paths));
        }
        return new RemoteCommand("rm", ["-f", "--", .. checkedPaths]);
    }

    public static RemoteCommand EnsureDirectory(string directory) => new("mkdir", "-p", "--", HostPath.Require(directory, nameof(directory)));

    /// <summary>
    /// Rebuilds one disk at a restore point into a new standalone qcow2: the full point's file and each incremental on it,
    /// oldest first, read as one backing chain that qemu-img is given explicitly (the files themselves stay as they were
    /// verified: their SHA-256 must keep matching the repository's).
    /// </summary>
    public static RemoteCommand RebuildDisk(IReadOnlyList<string> chainOldestFirst, string target)
    {
        ArgumentNullException.ThrowIfNull(chainOldestFirst);
        if (chainOldestFirst.Count == 0)
        {
            throw new ArgumentException("A disk is rebuilt from at least one file.", nameof(chainOldestFirst));
        }
        var source = chainOldestFirst.Count == 1 ? HostPath.Require(chainOldestFirst[0], nameof(chainOldestFirst)) : "json:" + ChainSpec(chainOldestFirst);
        return chainOldestFirst.Count == 1
            ? new RemoteCommand("qemu-img", "convert", "-f", "qcow2", "-O", "qcow2", source, HostPath.Require(target, nameof(target)))
            : new RemoteCommand("qemu-img", "convert", "-O", "qcow2", source, HostPath.Require(target, nameof(target)));
    }

    /// <summary>
    /// qemu's JSON description of a qcow2 chain, newest on top: {"driver":"qcow2","file":{...},"backing":{... "backing":null}}.
    /// Built by System.Text.Json; the paths are checked too (qemu reads ',' in some option syntaxes).
    /// </summary>
    public static string ChainSpec(IReadOnlyList<string> chainOldestFirst)
    {
        ArgumentNullException.ThrowIfNull(chainOldestFirst);
        JsonNode? node = null;
        foreach (var path in chainOldestFirst)
        {
            node = new JsonObject
            {
                ["driver"] = "qcow2",
                ["file"] = new JsonObject { ["driver"] = "file", ["filename"] = HostPath.Require(path, nameof(chainOldestFirst)) },
                ["backing"] = node,
            };
        }
        return node?.ToJsonString() ?? throw new ArgumentException("An empty chain.", nameof(chainOldestFirst));
    }

    /// <summary><c>virsh define</c> from a document written to a private temporary file in <paramref name="directory"/>.</summary>
    public static RemoteCommand Define(string directory, string domainXml)
    {
        ArgumentNullException.ThrowIfNull(domainXml);
        return RemoteCommand.Script(ScriptHeader + """
            x=$(mktemp "$1/.drportal-domain-XXXXXX") || exit 1
            printf '%s' "$2" >"$x"
            v define --file "$x"
            rc=$?; rm -f "$x"; exit $rc
            """, HostPath.Require(directory, nameof(directory)), domainXml);
    }

    public static RemoteCommand Start(string domain) => Virsh("start", "--domain", Domain(domain));

    /// <summary><c>virsh destroy</c>: a hard stop, like pulling the plug.</summary>
    public static RemoteCommand Destroy(string domain) => Virsh("destroy", "--domain", Domain(domain));

    /// <summary>
    /// <c>virsh undefine</c> with its checkpoint and snapshot metadata (libvirt refuses otherwise); the NVRAM file is
    /// removed, or kept for the caller to remove once a replacement is defined.
    /// </summary>
    public static RemoteCommand Undefine(string domain, bool keepNvram) =>
        Virsh("undefine", "--domain", Domain(domain), "--checkpoints-metadata", "--snapshots-metadata", "--managed-save", keepNvram ? "--keep-nvram" : "--nvram");

    /// <summary><c>virsh domif-setlink --config</c>: the link state of one interface (by MAC) in the persistent definition.</summary>
    public static RemoteCommand SetLink(string domain, string mac, bool up) =>
        Virsh("domif-setlink", "--domain", Domain(domain), "--interface", Mac(mac), "--state", up ? "up" : "down", "--config");

    /// <summary>
    /// The host's links (<c>ip -d -j link show</c>: bridges, their ports and which ports are taps) and its libvirt
    /// networks with their definitions, in one round trip; <see cref="LibvirtNetworkParser"/> reads it. A daemon without
    /// a network driver is not a failure: it has no networks.
    /// </summary>
    public static RemoteCommand Networks() => RemoteCommand.Script(ScriptHeader + """
        echo "@links"
        ip -d -j link show || exit 1
        echo
        if names=$(v net-list --all --name 2>&1); then
          echo "@networks"
          printf '%s\n' "$names"
          echo "@active"
          v net-list --name
          printf '%s\n' "$names" | while IFS= read -r n; do
            [ -n "$n" ] || continue
            echo "@net $n"
            v net-dumpxml --network "$n" 2>/dev/null
          done
        else
          printf '@unavailable %s\n' "$(printf '%s' "$names" | head -n 1)"
        fi
        echo "@end"
        """);

    /// <summary><c>guest-ping</c> through the guest agent channel, answered within 3 s or not at all.</summary>
    public static RemoteCommand AgentPing(string domain) =>
        Virsh("qemu-agent-command", "--domain", Domain(domain), "--timeout", "3", "--cmd", """{"execute":"guest-ping"}""");

    /// <summary><c>virsh shutdown</c>: asks the guest to power off, through its agent and, failing that, the ACPI button; never forces.</summary>
    public static RemoteCommand Shutdown(string domain) => Virsh("shutdown", "--domain", Domain(domain), "--mode", "agent,acpi");

    /// <summary>Fails, naming the first, when any of the files exists: what a restore is about to make must be its own.</summary>
    public static RemoteCommand RequireAbsent(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var checkedPaths = paths.Select(p => HostPath.Require(p, nameof(paths))).ToArray();
        return RemoteCommand.Script("""
            for f in "$@"; do
              if [ -e "$f" ] || [ -L "$f" ]; then echo "$f exists already: it is not this restore's to overwrite" >&2; exit 1; fi
            done
            """, checkedPaths);
    }

    private static RemoteCommand Virsh(params string[] arguments) => new("virsh", ["-c", Uri, .. arguments]);

    private static string Domain(string domain) =>
        LibvirtProfile.DomainOf(string.IsNullOrEmpty(domain) ? default : Core.Hypervisors.VmRef.Of(domain));

    private static string Checkpoint(string name) =>
        LibvirtFileNames.IsCheckpoint(name) ? name : throw new ArgumentException($"'{name}' is not a checkpoint this portal made (drportal-<stamp>).", nameof(name));

    private static string Format(string format) =>
        format is "qcow2" or "raw" ? format : throw new ArgumentException($"'{format}' is not a disk format the driver copies (qcow2, raw).", nameof(format));

    private static string Mac(string mac) =>
        MacAddress().IsMatch(mac) ? mac : throw new ArgumentException($"'{mac}' is not a MAC address.", nameof(mac));

    [GeneratedRegex("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}\\z")]
    private static partial Regex MacAddress();
}
