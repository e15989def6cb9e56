using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Archives;

/// <summary>Moves archive files between hosts and the portal's repository, and checks them where they land.</summary>
public interface IArchiveTransport
{
    /// <summary>
    /// Streams a file from the host into a local path and computes its SHA-256 as the bytes land (no second read). An
    /// interrupted copy keeps what landed and the next call resumes after it, hashing the kept part once. With
    /// <paramref name="relay"/>, the same bytes go to a second host at the same time, into that file's partial-data
    /// place (never under its real name): <see cref="PromoteRelayedAsync"/> puts it there once it is known good, and
    /// a relay that breaks leaves what it wrote for the next push to resume from. A relay never fails the pull.
    /// </summary>
    /// <exception cref="TransferException">The copy failed; the partial data is kept for a resume only when the failure is retryable.</exception>
    Task<PulledFile> PullAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, CancellationToken ct, RelayTarget? relay = null);

    /// <summary>Gives a file a relay delivered whole (<see cref="PulledFile.Relayed"/>) its real name on that host.</summary>
    Task PromoteRelayedAsync(Hypervisor host, string remotePath, CancellationToken ct);

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

/// <summary>Where a pull sends its bytes as well: a path on a second host (the recovery host of a replication).</summary>
public sealed record RelayTarget(Hypervisor Host, string RemotePath);

/// <summary>What a pull landed: the local file's SHA-256 and size, and whether the relay (if any) received every byte.</summary>
/// <param name="RelayNote">Why the relay did not deliver (not started, or broke), in words for the task log.</param>
public sealed record PulledFile(string Sha256, long SizeBytes, bool Relayed, string? RelayNote = null);

/// <summary>A transfer that failed, with the tool's words and whether trying again may help.</summary>
/// <param name="diskFull">The receiving side ran out of space: resuming cannot help until space is made.</param>
public sealed class TransferException(string message, bool retryable, IReadOnlyList<string> lastLines, Exception? inner = null, bool diskFull = false)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;

    public bool DiskFull { get; } = diskFull;
    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
