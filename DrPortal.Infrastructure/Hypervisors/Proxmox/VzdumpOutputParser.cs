using System.Globalization;
using System.Text.RegularExpressions;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>What one line of vzdump output turned out to be.</summary>
public enum VzdumpLineKind
{
    /// <summary>A line the reference documents that carries nothing the portal needs.</summary>
    Info,

    /// <summary>Not a line the reference documents; tolerated and kept in <see cref="VzdumpOutputParser.UnrecognizedLines"/>.</summary>
    Unrecognized,

    /// <summary>"creating vzdump archive '...'": the archive path is known.</summary>
    ArchiveCreating,

    /// <summary>A progress line; <see cref="VzdumpOutputParser.Progress"/> has moved.</summary>
    Progress,

    TransferSummary,
    ArchiveSize,
    GuestFinished,
    JobSucceeded,
    JobFailed,

    /// <summary>"ERROR: Backup of VM N failed - reason".</summary>
    GuestFailed,

    /// <summary>"ERROR: strange VM ID '...'".</summary>
    InvalidVmId,

    /// <summary>Any other ERROR line.</summary>
    Error,

    Warning,
}

/// <summary>Why a vzdump run counts as failed; <see cref="None"/> when it did not.</summary>
public enum VzdumpFailureKind
{
    None,

    /// <summary>The VMID does not exist on the host ("unable to find VM").</summary>
    VmNotFound,

    /// <summary>vzdump did not take the VMID as one ("strange VM ID").</summary>
    InvalidVmId,

    /// <summary>The backup of the guest failed for another reason; the tool's words are in the reason.</summary>
    GuestFailed,

    /// <summary>An ERROR line that is not about one guest.</summary>
    Error,

    /// <summary>vzdump refused the command before starting a job (stderr only, e.g. "dumpdir '...' does not exist").</summary>
    CommandRefused,

    /// <summary>The job ended without its final line, so nothing proves it finished.</summary>
    NoFinalLine,

    /// <summary>The job claimed success but named no archive, or an archive whose path is not a valid vzdump path.</summary>
    NoArchive,
}

/// <summary>The verdict on one vzdump run.</summary>
/// <param name="ArchivePath">The final archive path (never the in-progress ".dat" name); set whenever vzdump named one.</param>
/// <param name="ReportedArchiveSizeBytes">From "archive file size:", rounded by vzdump; the real size comes from the file.</param>
/// <param name="Duration">From "Finished Backup of VM N (HH:MM:SS)".</param>
public sealed record VzdumpResult(
    OperationOutcome Outcome,
    string? ArchivePath,
    VzdumpArchiveName? Archive,
    long? ReportedArchiveSizeBytes,
    TimeSpan? Duration,
    int WarningCount,
    IReadOnlyList<string> Warnings,
    VzdumpFailureKind FailureKind,
    string? FailureReason)
{
    public bool Succeeded => Outcome is OperationOutcome.Succeeded or OperationOutcome.SucceededWithWarnings;
}

/// <summary>
/// Reads vzdump's stdout one line at a time as it streams (progress for the live view), then gives the
/// verdict once the exit status is known. Formats are those of shared/pve-cli-reference.md; lines it does
/// not know are tolerated and kept. Success needs positive evidence: exit 0, "Backup job finished
/// successfully" and an archive path; silence is never success.
/// </summary>
public sealed partial class VzdumpOutputParser(BackupCompression compression)
{
    private readonly List<string> _warnings = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _unrecognized = [];
    private string? _guestFailure;
    private bool _vmNotFound;
    private string? _invalidVmId;
    private bool _jobSucceeded;
    private bool _jobFailed;

    // Lines the reference documents that carry nothing we use; anything else is kept as unrecognized.
    private static readonly string[] InformationalPrefixes =
    [
        "starting new backup job:", "Starting Backup of VM ", "Backup started at ", "status = ", "VM Name: ",
        "include disk ", "exclude disk ", "backup mode: ", "ionice priority: ", "started backup task ",
        "backup is sparse: ", "Backup finished at ", "Failed at ", "bandwidth limit: ", "resuming VM again",
        "starting kvm to execute backup task", "prune older backups with retention: ", "pruned ",
    ];

    /// <summary>The archive path, already mapped from the in-progress ".dat" name to the final one.</summary>
    public string? ArchivePath { get; private set; }

    /// <summary>The latest progress; byte counts are rounded to the one decimal vzdump prints.</summary>
    public OperationProgress? Progress { get; private set; }

    public long? ReportedArchiveSizeBytes { get; private set; }

    public long? TransferredBytes { get; private set; }

    public TimeSpan? Duration { get; private set; }

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Messages of ERROR lines, without the prefix.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public IReadOnlyList<string> UnrecognizedLines => _unrecognized;

    [GeneratedRegex(@"^(?<pct>[0-9]{1,3})% \((?<done>[0-9.]+) (?<du>[KMGTP]?i?B) of (?<total>[0-9.]+) (?<tu>[KMGTP]?i?B)\) in ")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"^creating vzdump archive '(?<path>.+)'\z")]
    private static partial Regex ArchivePattern();

    [GeneratedRegex(@"^archive file size: (?<n>[0-9.]+)(?<u>KB|MB|GB|TB)\z")]
    private static partial Regex ArchiveSizePattern();

    [GeneratedRegex(@"^transferred (?<n>[0-9.]+) (?<u>[KMGTP]?i?B) in [0-9]+ seconds")]
    private static partial Regex TransferredPattern();

    [GeneratedRegex(@"^Finished Backup of VM [0-9]+ \((?<h>[0-9]+):(?<m>[0-9]{2}):(?<s>[0-9]{2})\)\z")]
    private static partial Regex FinishedPattern();

    [GeneratedRegex(@"^Backup of VM (?<vmid>\S+) failed - (?<err>.*)\z")]
    private static partial Regex GuestFailedPattern();

    [GeneratedRegex(@"^strange VM ID '(?<vmid>.*)'\z")]
    private static partial Regex StrangeVmIdPattern();

    [GeneratedRegex(@"^unable to find VM '")]
    private static partial Regex VmNotFoundPattern();

    /// <summary>Takes one stdout line (without its newline) and says what it was.</summary>
    public VzdumpLineKind Read(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.TrimEnd('\r', ' ', '\t');
        if (text.StartsWith("INFO:", StringComparison.Ordinal))
        {
            return ReadInfo(text, text["INFO:".Length..].Trim());
        }
        if (text.StartsWith("WARN:", StringComparison.Ordinal))
        {
            _warnings.Add(text["WARN:".Length..].Trim());
            return VzdumpLineKind.Warning;
        }
        if (text.StartsWith("ERROR:", StringComparison.Ordinal))
        {
            return ReadError(text["ERROR:".Length..].Trim());
        }
        if (text.Length > 0)
        {
            _unrecognized.Add(text);
        }
        return VzdumpLineKind.Unrecognized;
    }

    private VzdumpLineKind ReadInfo(string line, string message)
    {
        if (ProgressPattern().Match(message) is { Success: true } p)
        {
            var percent = Math.Clamp(int.Parse(p.Groups["pct"].Value, CultureInfo.InvariantCulture), 0, 100);
            long? done = ProxmoxSizes.TryParse(p.Groups["done"].Value, p.Groups["du"].Value, out var d) ? d : null;
            long? total = ProxmoxSizes.TryParse(p.Groups["total"].Value, p.Groups["tu"].Value, out var t) ? t : null;
            Progress = new OperationProgress(percent, done, total);
            return VzdumpLineKind.Progress;
        }
        if (ArchivePattern().Match(message) is { Success: true } a)
        {
            var path = a.Groups["path"].Value;
            var slash = path.LastIndexOf('/');
            var final = slash >= 0 ? VzdumpArchiveName.FinalFileName(path[(slash + 1)..], compression) : null;
            ArchivePath = final is null ? path : path[..(slash + 1)] + final;
            return VzdumpLineKind.ArchiveCreating;
        }
        if (ArchiveSizePattern().Match(message) is { Success: true } s)
        {
            ReportedArchiveSizeBytes = ProxmoxSizes.TryParse(s.Groups["n"].Value, s.Groups["u"].Value, out var size) ? size : null;
            return VzdumpLineKind.ArchiveSize;
        }
        if (TransferredPattern().Match(message) is { Success: true } tr)
        {
            TransferredBytes = ProxmoxSizes.TryParse(tr.Groups["n"].Value, tr.Groups["u"].Value, out var bytes) ? bytes : null;
            return VzdumpLineKind.TransferSummary;
        }
        if (FinishedPattern().Match(message) is { Success: true } f)
        {
            Duration = new TimeSpan(
                int.Parse(f.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(f.Groups["m"].Value, CultureInfo.InvariantCulture),
                int.Parse(f.Groups["s"].Value, CultureInfo.InvariantCulture));
            return VzdumpLineKind.GuestFinished;
        }
        if (message == "Backup job finished successfully")
        {
            _jobSucceeded = true;
            return VzdumpLineKind.JobSucceeded;
        }
        if (message == "Backup job finished with errors")
        {
            _jobFailed = true;
            return VzdumpLineKind.JobFailed;
        }
        if (InformationalPrefixes.Any(prefix => message.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return VzdumpLineKind.Info;
        }
        _unrecognized.Add(line);
        return VzdumpLineKind.Unrecognized;
    }

    private VzdumpLineKind ReadError(string message)
    {
        _errors.Add(message);
        if (GuestFailedPattern().Match(message) is { Success: true } g)
        {
            // Keep the first: with one VM per job there is one, and a second would only repeat it.
            _guestFailure ??= g.Groups["err"].Value.Trim();
            _vmNotFound |= VmNotFoundPattern().IsMatch(g.Groups["err"].Value);
            return VzdumpLineKind.GuestFailed;
        }
        if (StrangeVmIdPattern().Match(message) is { Success: true } s)
        {
            _invalidVmId ??= s.Groups["vmid"].Value;
            return VzdumpLineKind.InvalidVmId;
        }
        return VzdumpLineKind.Error;
    }

    /// <summary>
    /// The verdict, once vzdump has exited. <paramref name="standardError"/> is everything it wrote to
    /// stderr: parameter errors, "job errors", "Task finished with N warning(s)!".
    /// </summary>
    public VzdumpResult Finish(int exitStatus, string? standardError)
    {
        var stderr = ProxmoxStandardError.Read(standardError);
        var taskWarnings = stderr.TaskWarnings;
        // "job errors" only says that ERROR lines came before.
        var stderrMessages = stderr.Messages.Where(l => l != "job errors").ToList();

        // The path goes on into rsync and qmrestore command lines, so it must be one the builders accept.
        var archive = VzdumpArchiveName.TryParsePath(ArchivePath, out var parsed) && HostPath.IsValid(ArchivePath) ? parsed : null;

        if (exitStatus == 0 && _jobSucceeded && !_jobFailed && archive is not null && _guestFailure is null && _invalidVmId is null)
        {
            // vzdump said it finished and the archive exists: stray ERROR lines did not stop it, so they
            // are shown as warnings rather than thrown away.
            var warnings = _warnings.Concat(_errors.Select(e => "ERROR: " + e)).ToList();
            var count = Math.Max(warnings.Count, taskWarnings);
            return Result(count > 0 ? OperationOutcome.SucceededWithWarnings : OperationOutcome.Succeeded, archive, count, warnings,
                VzdumpFailureKind.None, null);
        }

        var (kind, reason) = FailureOf(exitStatus, stderrMessages);
        return Result(OperationOutcome.Failed, archive, Math.Max(_warnings.Count, taskWarnings), _warnings, kind, reason);
    }

    private (VzdumpFailureKind Kind, string Reason) FailureOf(int exitStatus, List<string> stderrMessages)
    {
        if (_guestFailure is not null)
        {
            return (_vmNotFound ? VzdumpFailureKind.VmNotFound : VzdumpFailureKind.GuestFailed, $"Backup failed: {_guestFailure}");
        }
        if (_invalidVmId is not null)
        {
            return (VzdumpFailureKind.InvalidVmId, $"vzdump refused the VM ID '{_invalidVmId}' (strange VM ID).");
        }
        if (_errors.Count > 0)
        {
            return (VzdumpFailureKind.Error, _errors[0]);
        }
        if (stderrMessages.Count > 0)
        {
            return (VzdumpFailureKind.CommandRefused, ProxmoxStandardError.Summary(stderrMessages));
        }
        if (exitStatus == 0 && _jobSucceeded)
        {
            return (VzdumpFailureKind.NoArchive, ArchivePath is null
                ? "vzdump reported success but named no archive."
                : $"vzdump reported success but the archive path '{ArchivePath}' is not a vzdump archive path.");
        }
        if (_jobSucceeded)
        {
            return (VzdumpFailureKind.NoFinalLine, $"vzdump reported success but exited with status {exitStatus}.");
        }
        if (_jobFailed)
        {
            return (VzdumpFailureKind.Error, $"Backup job finished with errors (exit {exitStatus}).");
        }
        return (VzdumpFailureKind.NoFinalLine, exitStatus == 0
            ? "vzdump exited 0 without its final line 'Backup job finished successfully'."
            : $"vzdump exited with status {exitStatus} without a final line.");
    }

    private VzdumpResult Result(OperationOutcome outcome, VzdumpArchiveName? archive, int warningCount, IReadOnlyList<string> warnings,
        VzdumpFailureKind kind, string? reason) =>
        new(outcome, ArchivePath, archive, ReportedArchiveSizeBytes, Duration, warningCount, warnings.ToList(), kind, reason);
}
