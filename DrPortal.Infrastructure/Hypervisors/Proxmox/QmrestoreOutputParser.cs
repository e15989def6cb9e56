using System.Globalization;
using System.Text.RegularExpressions;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>What one line of qmrestore output turned out to be.</summary>
public enum QmrestoreLineKind
{
    /// <summary>A line the reference documents that carries nothing the portal needs.</summary>
    Info,

    /// <summary>Not a line the reference documents; tolerated and kept.</summary>
    Unrecognized,

    /// <summary>"DEV: dev_id=N size: BYTES devname: NAME": adds to the total to read.</summary>
    Device,

    /// <summary>"new volume ID is '...'".</summary>
    NewVolume,

    /// <summary>"progress N% (read X bytes, duration Y sec)"; the progress has moved.</summary>
    Progress,

    /// <summary>"total bytes read X, sparse bytes Y (Z%)": the whole archive was read.</summary>
    TotalRead,

    /// <summary>One of the failure messages of the reference.</summary>
    Failure,

    Warning,

    /// <summary>
    /// "error before or during data restore, ... VM N state is NOT cleaned up." (or "error after data was restored, ..."):
    /// printed before the error itself; the VMID stays taken by the half-made VM.
    /// </summary>
    StateNotCleanedUp,
}

/// <summary>Why a qmrestore run counts as failed; <see cref="None"/> when it did not.</summary>
public enum QmrestoreFailureKind
{
    None,

    /// <summary>"VM N already exists on node": the target exists and --force was not given. Nothing was changed.</summary>
    TargetExists,

    /// <summary>"can't find file": the archive is not where the command said. Nothing was changed.</summary>
    ArchiveNotFound,

    /// <summary>"vm is running": a running VM is never overwritten; stop it first.</summary>
    VmRunning,

    /// <summary>"protection mode enabled": the target VM is protected against removal.</summary>
    ProtectionEnabled,

    /// <summary>"storage 'ID' does not exist" or "Content type 'images' is not available on storage 'ID'".</summary>
    StorageUnavailable,

    /// <summary>"not enough free space", or vma's write failing with "No space left on device".</summary>
    OutOfSpace,

    /// <summary>Another "unable to restore VM N - reason", or another message on stderr.</summary>
    RestoreFailed,

    /// <summary>The run ended without reading the whole archive, so nothing proves the restore is complete.</summary>
    Incomplete,
}

/// <summary>The verdict on one qmrestore run.</summary>
/// <param name="BytesRead">From "total bytes read": the archive's disk data, zeros included.</param>
/// <param name="NewVolumes">Volume ids created for the restored VM, e.g. "local-lvm:vm-500-disk-0".</param>
/// <param name="StateNotCleanedUp">
/// qmrestore said the VM's "state is NOT cleaned up": a failed restore left a config at the VMID (lock removed), so the
/// VMID is taken and a later restore into it needs --force.
/// </param>
public sealed record QmrestoreResult(
    OperationOutcome Outcome,
    long? BytesRead,
    long? SparseBytes,
    IReadOnlyList<string> NewVolumes,
    int WarningCount,
    IReadOnlyList<string> Warnings,
    QmrestoreFailureKind FailureKind,
    string? FailureReason,
    bool StateNotCleanedUp = false)
{
    public bool Succeeded => Outcome is OperationOutcome.Succeeded or OperationOutcome.SucceededWithWarnings;
}

/// <summary>
/// Reads qmrestore's output one line at a time as it streams, then gives the verdict once the exit status is known
/// (shared/pve-cli-reference.md). Lines of both streams go through <see cref="Read"/>: inside the task Proxmox sends
/// stderr to stdout, and which stream a line uses is not to be relied on. Success needs exit 0 and the "total bytes
/// read" line that vma prints after the last block; a clean exit without it is not a restore. A failure's reason is
/// the last error line (qmrestore prints notices such as "temporary volume ... successfully removed" and "error before
/// or during data restore ..." before the error itself), never merely the first line on stderr.
/// </summary>
public sealed partial class QmrestoreOutputParser
{
    private readonly List<string> _warnings = [];
    private readonly List<string> _unrecognized = [];
    private readonly List<string> _volumes = [];
    private readonly List<string> _removed = [];
    private readonly List<(QmrestoreFailureKind Kind, string Message)> _errors = [];
    private long _devicesTotal;
    private int _taskWarnings;
    private string? _vmaDetail;
    private bool _stateNotCleanedUp;

    private static readonly string[] InformationalPrefixes =
    [
        "restore vma archive: ", "CFG: ", "CTIME: ", "map '", "space reduction due to ", "rescan volumes...",
        "applying read rate limit: ", "rate limit for storage ",
    ];

    /// <summary>The latest progress; the total is the sum of the archive's devices once they are announced.</summary>
    public OperationProgress? Progress { get; private set; }

    public long? BytesRead { get; private set; }

    public long? SparseBytes { get; private set; }

    public IReadOnlyList<string> NewVolumes => _volumes;

    /// <summary>Volumes of a failed restore that qmrestore freed again ("temporary volume '...' successfully removed").</summary>
    public IReadOnlyList<string> RemovedVolumes => _removed;

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<string> UnrecognizedLines => _unrecognized;

    [GeneratedRegex(@"^progress (?<pct>[0-9]{1,3})% \(read (?<read>[0-9]+) bytes, duration [0-9]+ sec\)\z")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"^total bytes read (?<read>[0-9]+), sparse bytes (?<sparse>[0-9]+)")]
    private static partial Regex TotalReadPattern();

    [GeneratedRegex(@"^DEV: dev_id=[0-9]+ size: (?<size>[0-9]+) devname: ")]
    private static partial Regex DevicePattern();

    [GeneratedRegex(@"^new volume ID is '(?<volume>[^']+)'\z")]
    private static partial Regex NewVolumePattern();

    [GeneratedRegex(@"^temporary volume '(?<volume>[^']+)' successfully removed\z")]
    private static partial Regex RemovedVolumePattern();

    [GeneratedRegex(@"^error (before or during data restore|after data was restored), .*state is NOT cleaned up\.?\z")]
    private static partial Regex NotCleanedUpPattern();

    [GeneratedRegex(@"^Task finished with (?<n>[0-9]+) warning\(s\)!\z")]
    private static partial Regex TaskWarningsPattern();

    [GeneratedRegex(@"^unable to restore VM [0-9]+ - (?<reason>.+)\z")]
    private static partial Regex UnableToRestorePattern();

    [GeneratedRegex(@"^VM [0-9]+ already exists on node '")]
    private static partial Regex AlreadyExistsPattern();

    [GeneratedRegex(@"^can't find file '")]
    private static partial Regex MissingArchivePattern();

    [GeneratedRegex(@"^storage '[^']*' does not exists?\z|^Content type '[^']*' is not available on storage '")]
    private static partial Regex StoragePattern();

    [GeneratedRegex(@"^not enough free space|No space left on device")]
    private static partial Regex OutOfSpacePattern();

    // vma's own failure, with or without GLib's "** (vma:PID): ERROR **: " or the emulator's "vma: " in front.
    [GeneratedRegex(@"(^|: )restore failed - (?<detail>.+)\z")]
    private static partial Regex VmaFailedPattern();

    [GeneratedRegex(@"^command '.*' failed: (exit code [0-9]+|received signal [0-9]+|got timeout)\z")]
    private static partial Regex CommandFailedPattern();

    [GeneratedRegex(@"^(TASK ERROR|ERROR): (?<msg>.+)\z")]
    private static partial Regex ErrorPrefixPattern();

    /// <summary>Takes one output line of either stream (without its newline) and says what it was.</summary>
    public QmrestoreLineKind Read(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        if (ProgressPattern().Match(text) is { Success: true } p)
        {
            var read = long.Parse(p.Groups["read"].Value, CultureInfo.InvariantCulture);
            Progress = new OperationProgress(Math.Clamp(int.Parse(p.Groups["pct"].Value, CultureInfo.InvariantCulture), 0, 100),
                read, _devicesTotal > 0 ? _devicesTotal : null);
            return QmrestoreLineKind.Progress;
        }
        if (TotalReadPattern().Match(text) is { Success: true } t)
        {
            BytesRead = long.Parse(t.Groups["read"].Value, CultureInfo.InvariantCulture);
            SparseBytes = long.Parse(t.Groups["sparse"].Value, CultureInfo.InvariantCulture);
            return QmrestoreLineKind.TotalRead;
        }
        if (DevicePattern().Match(text) is { Success: true } d
            && long.TryParse(d.Groups["size"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            _devicesTotal += size;
            return QmrestoreLineKind.Device;
        }
        if (NewVolumePattern().Match(text) is { Success: true } v)
        {
            _volumes.Add(v.Groups["volume"].Value);
            return QmrestoreLineKind.NewVolume;
        }
        if (RemovedVolumePattern().Match(text) is { Success: true } r)
        {
            _removed.Add(r.Groups["volume"].Value);
            return QmrestoreLineKind.Info;
        }
        if (NotCleanedUpPattern().IsMatch(text))
        {
            _stateNotCleanedUp = true;
            return QmrestoreLineKind.StateNotCleanedUp;
        }
        if (TaskWarningsPattern().Match(text) is { Success: true } w)
        {
            _taskWarnings = Math.Max(_taskWarnings, int.TryParse(w.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
            return QmrestoreLineKind.Info;
        }
        if (Classify(text) is { } failure)
        {
            _errors.Add(failure);
            return QmrestoreLineKind.Failure;
        }
        if (text.StartsWith("WARN:", StringComparison.Ordinal) || text.StartsWith("WARNING:", StringComparison.Ordinal))
        {
            // LVM's thin-pool warnings ("WARNING: Sum of all thin volume sizes ...") reach the output as well.
            _warnings.Add(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            return QmrestoreLineKind.Warning;
        }
        if (InformationalPrefixes.Any(prefix => text.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return QmrestoreLineKind.Info;
        }
        if (text.Length > 0)
        {
            _unrecognized.Add(text);
        }
        return QmrestoreLineKind.Unrecognized;
    }

    /// <summary>
    /// The verdict, once qmrestore has exited. <paramref name="standardError"/>, when given, is read line by line like
    /// stdout first (the SSH shell hands stderr over whole at the end); its lines that are no known message are the
    /// reason of last resort, e.g. a "400 Parameter verification failed." block.
    /// </summary>
    public QmrestoreResult Finish(int exitStatus, string? standardError = null)
    {
        var unknownOnStderr = new List<string>();
        foreach (var raw in (standardError ?? "").Split('\n'))
        {
            if (Read(raw) == QmrestoreLineKind.Unrecognized && raw.Trim().Length > 0)
            {
                unknownOnStderr.Add(raw.Trim());
            }
        }
        var warningCount = Math.Max(_warnings.Count, _taskWarnings);

        if (exitStatus == 0 && BytesRead is not null && _errors.Count == 0)
        {
            return Result(warningCount > 0 ? OperationOutcome.SucceededWithWarnings : OperationOutcome.Succeeded,
                warningCount, QmrestoreFailureKind.None, null);
        }
        if (_errors.Count > 0)
        {
            // The last error line is the one the command died with; an earlier line may say more precisely why.
            var last = _errors[^1];
            var kind = last.Kind != QmrestoreFailureKind.RestoreFailed ? last.Kind
                : _errors.Select(e => e.Kind).LastOrDefault(k => k != QmrestoreFailureKind.RestoreFailed, QmrestoreFailureKind.RestoreFailed);
            var reason = _vmaDetail is { } detail && !last.Message.Contains(detail, StringComparison.Ordinal)
                ? $"{last.Message} (vma: restore failed - {detail})"
                : last.Message;
            return Result(OperationOutcome.Failed, warningCount, kind, reason);
        }
        if (unknownOnStderr.Count > 0)
        {
            return Result(OperationOutcome.Failed, warningCount, QmrestoreFailureKind.RestoreFailed, ProxmoxStandardError.Summary(unknownOnStderr));
        }
        var incomplete = (exitStatus, BytesRead) switch
        {
            (0, null) => "qmrestore exited 0 without reporting 'total bytes read', so the archive was not read to its end.",
            (_, null) => $"qmrestore exited with status {exitStatus} without a final line.",
            _ => $"qmrestore read the archive but exited with status {exitStatus}.",
        };
        return Result(OperationOutcome.Failed, warningCount, QmrestoreFailureKind.Incomplete, incomplete);
    }

    private (QmrestoreFailureKind Kind, string Message)? Classify(string line)
    {
        if (MissingArchivePattern().IsMatch(line))
        {
            return (QmrestoreFailureKind.ArchiveNotFound, line);
        }
        if (UnableToRestorePattern().Match(line) is { Success: true } m)
        {
            var reason = m.Groups["reason"].Value;
            var kind = reason switch
            {
                "vm is running" => QmrestoreFailureKind.VmRunning,
                "protection mode enabled" => QmrestoreFailureKind.ProtectionEnabled,
                _ when AlreadyExistsPattern().IsMatch(reason) => QmrestoreFailureKind.TargetExists,
                _ => KindOf(reason),
            };
            return (kind, line);
        }
        if (VmaFailedPattern().Match(line) is { Success: true } vma)
        {
            _vmaDetail ??= vma.Groups["detail"].Value;
            return (KindOf(line), line);
        }
        if (StoragePattern().IsMatch(line) || OutOfSpacePattern().IsMatch(line) || CommandFailedPattern().IsMatch(line)
            || line.StartsWith("live-restore is only compatible", StringComparison.Ordinal))
        {
            return (KindOf(line), line);
        }
        if (ErrorPrefixPattern().Match(line) is { Success: true } e)
        {
            return (KindOf(e.Groups["msg"].Value), line);
        }
        return null;
    }

    private static QmrestoreFailureKind KindOf(string message) =>
        StoragePattern().IsMatch(message) ? QmrestoreFailureKind.StorageUnavailable
        : OutOfSpacePattern().IsMatch(message) ? QmrestoreFailureKind.OutOfSpace
        : QmrestoreFailureKind.RestoreFailed;

    private QmrestoreResult Result(OperationOutcome outcome, int warningCount, QmrestoreFailureKind kind, string? reason) =>
        new(outcome, BytesRead, SparseBytes, _volumes.ToList(), warningCount, _warnings.ToList(), kind, reason, _stateNotCleanedUp);
}
