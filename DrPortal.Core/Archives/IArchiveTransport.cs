using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Archives;

/// <summary>Moves archive files between hosts and the portal's repository, and checks them where they land.</summary>
public interface IArchiveTransport
{
    /// <summary>Copies a file from the host into a local path; an interrupted copy resumes on the next call.</summary>
    /// <exception cref="TransferException">The copy failed; the partial data is kept for a resume only when the failure is retryable.</exception>
    Task PullAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, CancellationToken ct);

    /// <summary>Copies a local file to a path on the host; an interrupted copy resumes on the next call.</summary>
    Task PushAsync(string localPath, Hypervisor host, string remotePath, IStageReporter reporter, CancellationToken ct);

    /// <summary>Lower-case hex SHA-256 of a file on the host, or null when the file does not exist.</summary>
    Task<string?> RemoteSha256Async(Hypervisor host, string remotePath, CancellationToken ct);

    /// <summary>Removes files on the host (missing files are fine), including transfer leftovers of those files.</summary>
    Task RemoveRemoteAsync(Hypervisor host, IReadOnlyList<string> remotePaths, CancellationToken ct);

    /// <summary>The plain files directly in a directory on the host (none when the directory does not exist).</summary>
    /// <exception cref="TransferException">The host did not say.</exception>
    Task<IReadOnlyList<RemoteFileEntry>> RemoteListAsync(Hypervisor host, string remoteDirectory, CancellationToken ct);

    /// <summary>Bytes free for the portal's files in a directory on the host (its file system's available space).</summary>
    /// <exception cref="TransferException">The host did not say.</exception>
    Task<long> RemoteFreeBytesAsync(Hypervisor host, string remoteDirectory, CancellationToken ct);
}

/// <summary>A transfer that failed, with the tool's words and whether trying again may help.</summary>
/// <param name="diskFull">The receiving side ran out of space: resuming cannot help until space is made.</param>
public sealed class TransferException(string message, bool retryable, IReadOnlyList<string> lastLines, Exception? inner = null, bool diskFull = false)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;

    public bool DiskFull { get; } = diskFull;
    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
