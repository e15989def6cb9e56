using DrPortal.Core.Archives;
using DrPortal.Core.Tasks.Pipeline;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// The portal's repository of restore points on its own disk: &lt;repository&gt;/&lt;source host&gt;/&lt;VM&gt;/&lt;file&gt;.
/// The one place that knows local paths, hashes local files and removes them with the partial data rsync keeps.
/// </summary>
public sealed class ArchiveRepository(IOptions<DrPortalOptions> options) : IArchiveRepository
{
    public string Root => options.Value.RepositoryDirectory;

    public string PathOf(Archive archive, ArchiveFile file)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var path = Path.GetFullPath(Path.Combine(Root, archive.RepositoryRelativePath(file)));
        // The names come from a driver and a host; still, nothing may land outside the repository.
        if (!path.StartsWith(Path.GetFullPath(Root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The file {file.Name} of restore point {archive.Label} would lie outside the repository.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public bool Exists(string path) => File.Exists(path);

    public long LengthOf(string path) => new FileInfo(path).Length;

    public async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var hash = await System.Security.Cryptography.SHA256.HashDataAsync(stream, ct);
        return Convert.ToHexStringLower(hash);
    }

    public void MakeDurable(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Removes a local file with rsync's partial data and temporary files (".name.XXXXXX") beside it.</summary>
    public void Delete(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        var name = Path.GetFileName(path);
        File.Delete(path);
        var partialDir = Path.Combine(dir, Transport.RsyncArguments.PartialDirectoryName);
        foreach (var d in new[] { dir, partialDir }.Where(Directory.Exists))
        {
            File.Delete(Path.Combine(d, name));
            foreach (var temp in Directory.EnumerateFiles(d, $".{name}.*"))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Removes every file of a point's repository copy and what unfinished pulls left beside them. Call it after the
    /// row is gone: a file without a row is an orphan to clean up, a row without its file would be a lie.
    /// </summary>
    public void DeleteAll(Archive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        foreach (var file in archive.Files)
        {
            Delete(PathOf(archive, file));
        }
    }

    public long FreeBytes(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        return new DriveInfo(Path.GetFullPath(existing)).AvailableFreeSpace;
    }
}
