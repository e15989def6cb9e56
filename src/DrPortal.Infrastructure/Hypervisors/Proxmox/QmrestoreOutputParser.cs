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

    /// <summary>Another "unable to restore VM N - reason", or another message on stderr.</summary>
    RestoreFailed,

    /// <summary>The run ended without reading the whole archive, so nothing proves the restore is complete.</summary>
    Incomplete,
}

/// <summary>The verdict on one qmrestore run.</summary>
/// <param name="BytesRead">From "total bytes read": the archive's disk data, zeros included.</param>
/// <param name="NewVolumes">Volume ids created for the restored VM, e.g. "local-lvm:vm-500-disk-0".</param>
public sealed record QmrestoreResult(
    OperationOutcome Outcome,
    long? BytesRead,
    long? SparseBytes,
    IReadOnlyList<string> NewVolumes,
    int WarningCount,
    IReadOnlyList<string> Warnings,
    QmrestoreFailureKind FailureKind,
    string? FailureReason)
{
    public bool Succeeded => Outcome is OperationOutcome.Succeeded or OperationOutcome.SucceededWithWarnings;
}

/// <summary>
/// Reads qmrestore's stdout one line at a time as it streams, then gives the verdict once the exit
/// status is known (shared/pve-cli-reference.md). Success needs exit 0 and the "total bytes read" line
/// that vma prints after the last block; a clean exit without it is not a restore.
/// </summary>
public sealed partial class QmrestoreOutputParser
{
    private readonly List<string> _warnings = [];
    private readonly List<string> _unrecognized = [];
    private readonly List<string> _volumes = [];
    private long _devicesTotal;
    private (QmrestoreFailureKind Kind, string Message)? _failure;

    private static readonly string[] InformationalPrefixes =
    [
        "restore vma archive: ", "CFG: ", "CTIME: ", "map '", "space reduction due to ", "rescan volumes...",
    ];

    /// <summary>The latest progress; the total is the sum of the archive's devices once they are announced.</summary>
    public OperationProgress? Progress { get; private set; }

    public long? BytesRead { get; private set; }

    public long? SparseBytes { get; private set; }

    public IReadOnlyList<string> NewVolumes => _volumes;

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

    [GeneratedRegex(@"^unable to restore VM [0-9]+ - (?<reason>.+)\z")]
    private static partial Regex UnableToRestorePattern();

    [GeneratedRegex(@"^VM [0-9]+ already exists on node '")]
    private static partial Regex AlreadyExistsPattern();

    [GeneratedRegex(@"^can't find file '")]
    private static partial Regex MissingArchivePattern();

    /// <summary>Takes one stdout line (without its newline) and says what it was.</summary>
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
        if (Classify(text) is { } failure)
        {
            _failure ??= failure;
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
    /// The verdict, once qmrestore has exited. Errors before and inside the task both arrive on stderr
    /// (<paramref name="standardError"/>), with "Task finished with N warning(s)!" for warnings.
    /// </summary>
    public QmrestoreResult Finish(int exitStatus, string? standardError)
    {
        var stderr = ProxmoxStandardError.Read(standardError);
        var failure = _failure;
        foreach (var message in stderr.Messages)
        {
            failure ??= Classify(message);
        }
        var warningCount = Math.Max(_warnings.Count, stderr.TaskWarnings);

        if (exitStatus == 0 && BytesRead is not null && failure is null)
        {
            return Result(warningCount > 0 ? OperationOutcome.SucceededWithWarnings : OperationOutcome.Succeeded,
                warningCount, QmrestoreFailureKind.None, null);
        }
        if (failure is { } known)
        {
            return Result(OperationOutcome.Failed, warningCount, known.Kind, known.Message);
        }
        if (stderr.Messages.Count > 0)
        {
            return Result(OperationOutcome.Failed, warningCount, QmrestoreFailureKind.RestoreFailed, ProxmoxStandardError.Summary(stderr.Messages));
        }
        var reason = (exitStatus, BytesRead) switch
        {
            (0, null) => "qmrestore exited 0 without reporting 'total bytes read', so the archive was not read to its end.",
            (_, null) => $"qmrestore exited with status {exitStatus} without a final line.",
            _ => $"qmrestore read the archive but exited with status {exitStatus}.",
        };
        return Result(OperationOutcome.Failed, warningCount, QmrestoreFailureKind.Incomplete, reason);
    }

    private static (QmrestoreFailureKind Kind, string Message)? Classify(string line)
    {
        if (MissingArchivePattern().IsMatch(line))
        {
            return (QmrestoreFailureKind.ArchiveNotFound, line);
        }
        if (UnableToRestorePattern().Match(line) is not { Success: true } m)
        {
            return null;
        }
        var reason = m.Groups["reason"].Value;
        var kind = reason switch
        {
            "vm is running" => QmrestoreFailureKind.VmRunning,
            "protection mode enabled" => QmrestoreFailureKind.ProtectionEnabled,
            _ when AlreadyExistsPattern().IsMatch(reason) => QmrestoreFailureKind.TargetExists,
            _ => QmrestoreFailureKind.RestoreFailed,
        };
        return (kind, line);
    }

    private QmrestoreResult Result(OperationOutcome outcome, int warningCount, QmrestoreFailureKind kind, string? reason) =>
        new(outcome, BytesRead, SparseBytes, _volumes.ToList(), warningCount, _warnings.ToList(), kind, reason);
}
