namespace DrPortal.Infrastructure.Transport;

/// <summary>What went wrong in an rsync run, in terms the transfer stage can act on.</summary>
public enum RsyncFailureKind
{
    None,

    /// <summary>rsync refused its arguments or its peer: a bug or a broken installation, not the link.</summary>
    Usage,

    /// <summary>The stream broke (cut link, ssh dropped, remote rsync died). A retry resumes from the partial file.</summary>
    ConnectionLost,

    /// <summary>No data moved for the I/O timeout, or the connection could not be made in time.</summary>
    Timeout,

    /// <summary>ssh failed before rsync spoke: host unreachable or refused.</summary>
    SshFailed,

    /// <summary>The host presented a key other than the pinned one (or none is pinned). Never retried.</summary>
    HostKeyRejected,

    /// <summary>The host refused the portal's key.</summary>
    AuthenticationFailed,

    /// <summary>There is no rsync on the host.</summary>
    RemoteRsyncMissing,

    /// <summary>A file could not be read or written: disk full, permissions, I/O error.</summary>
    FileIo,

    /// <summary>The receiving disk is full.</summary>
    DiskFull,

    /// <summary>Some data was not transferred because of an error (often: the source file is missing).</summary>
    PartialTransfer,

    /// <summary>The source file disappeared while it was being sent.</summary>
    SourceVanished,

    /// <summary>rsync was stopped by a signal, normally because the task was cancelled.</summary>
    Interrupted,

    Other,
}

/// <summary>An rsync exit, classified: a human reason and whether running the same transfer again may help.</summary>
public sealed record RsyncExitStatus(int ExitCode, RsyncFailureKind Kind, bool Retryable, string Reason)
{
    public bool Succeeded => Kind == RsyncFailureKind.None;

    /// <summary>
    /// Classifies an exit code (rsync(1) "EXIT VALUES"), refined by stderr where ssh or the kernel said
    /// something more precise: a rejected host key comes back from rsync as a plain stream error (12 or
    /// 255), yet retrying it would be wrong.
    /// </summary>
    public static RsyncExitStatus Classify(int exitCode, string? standardError = null)
    {
        if (exitCode == 0)
        {
            return new RsyncExitStatus(0, RsyncFailureKind.None, false, "Transfer complete.");
        }
        var lines = (standardError ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        foreach (var (needles, kind, reason) in Refinements)
        {
            var line = lines.FirstOrDefault(l => needles.Any(n => l.Contains(n, StringComparison.OrdinalIgnoreCase)));
            if (line is not null)
            {
                return new RsyncExitStatus(exitCode, kind, false, $"{reason} (rsync exit {exitCode}): {line}");
            }
        }
        var (codeKind, retryable, codeReason) = ByExitCode(exitCode);
        // rsync's summary line ("rsync error: ... (code N) at ...") repeats the exit code; the line before it says why.
        var detail = lines.FirstOrDefault(l => !l.StartsWith("rsync error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault();
        var text = $"{codeReason} (rsync exit {exitCode})";
        return new RsyncExitStatus(exitCode, codeKind, retryable, detail is null ? text + "." : $"{text}: {detail}");
    }

    // Messages that say more than the exit code, checked in order; none of these is cured by retrying.
    private static readonly (string[] Needles, RsyncFailureKind Kind, string Reason)[] Refinements =
    [
        (["Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED", "host key is known for"], RsyncFailureKind.HostKeyRejected,
            "The host's SSH key is not the pinned one; transfers with it stop until an admin accepts its key"),
        (["Permission denied (publickey", "Too many authentication failures"], RsyncFailureKind.AuthenticationFailed,
            "The host refused the portal's SSH key"),
        (["No space left on device", "Disk quota exceeded"], RsyncFailureKind.DiskFull, "The receiving disk is full"),
        (["rsync: command not found", "rsync: not found"], RsyncFailureKind.RemoteRsyncMissing, "rsync is not installed on the host"),
    ];

    private static (RsyncFailureKind, bool, string) ByExitCode(int exitCode) => exitCode switch
    {
        1 => (RsyncFailureKind.Usage, false, "rsync rejected its arguments (syntax or usage error)"),
        2 => (RsyncFailureKind.Usage, false, "The rsync versions on the two sides are incompatible"),
        3 => (RsyncFailureKind.FileIo, false, "rsync could not select the source or destination (missing directory?)"),
        4 => (RsyncFailureKind.Usage, false, "The remote rsync does not support a requested option"),
        5 => (RsyncFailureKind.Usage, false, "rsync could not start its protocol with the remote side"),
        10 => (RsyncFailureKind.ConnectionLost, true, "Socket I/O error on the link to the host"),
        11 => (RsyncFailureKind.FileIo, false, "File I/O error (disk full, or a file could not be read or written)"),
        12 => (RsyncFailureKind.ConnectionLost, true, "The connection broke during the transfer (rsync protocol data stream error, e.g. a cut link)"),
        20 => (RsyncFailureKind.Interrupted, false, "rsync was interrupted"),
        23 => (RsyncFailureKind.PartialTransfer, false, "Partial transfer: some data was not transferred because of an error (missing or unreadable source?)"),
        24 => (RsyncFailureKind.SourceVanished, false, "Partial transfer: the source file vanished during the transfer"),
        30 => (RsyncFailureKind.Timeout, true, "Timed out: no data moved for the I/O timeout"),
        35 => (RsyncFailureKind.Timeout, true, "Timed out waiting for the connection"),
        255 => (RsyncFailureKind.SshFailed, true, "ssh failed: the host could not be reached or closed the connection"),
        > 128 and < 160 => (RsyncFailureKind.Interrupted, false, $"rsync was killed by signal {exitCode - 128}"),
        _ => (RsyncFailureKind.Other, false, "rsync failed"),
    };
}
