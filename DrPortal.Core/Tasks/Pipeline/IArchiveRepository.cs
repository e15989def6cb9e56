using DrPortal.Core.Archives;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>The portal's own copies of restore points: where each file lies, its checksum, its partial data, free space.</summary>
public interface IArchiveRepository
{
    /// <summary>The absolute local path of a point's file; its folder exists afterwards.</summary>
    string PathOf(Archive archive, ArchiveFile file);

    bool Exists(string path);

    long LengthOf(string path);

    /// <summary>Lower-case hex SHA-256 of a local file.</summary>
    Task<string> Sha256Async(string path, CancellationToken ct);

    /// <summary>Writes a local file's data through to the disk (fsync), so a power cut cannot take it back.</summary>
    void MakeDurable(string path);

    /// <summary>Removes a local copy and the partial data a transfer kept for it; missing files are fine.</summary>
    void Delete(string path);

    /// <summary>Bytes free on the file system that holds the path.</summary>
    long FreeBytes(string path);

    /// <summary>The repository's own directory, for messages.</summary>
    string Root { get; }
}
