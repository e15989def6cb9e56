using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// Compares the repository's files and each host's dump area (the directory its driver stages files in) with the
/// manifests in MariaDB. A delete names a file as the report gave it and is carried out only if the report, made again
/// at that moment, still lists it: nothing outside the repository or a dump area, nothing a row knows, can be named.
/// </summary>
internal sealed class OrphanReportQuery(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    ArchiveRepository repository,
    IArchiveStore archives,
    IArchiveTransport transport,
    HypervisorDrivers drivers,
    IClock clock) : IOrphanReport
{
    private const string EntityType = "Orphan";

    /// <summary>A dump area that does not answer within this is reported as not read.</summary>
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(30);

    public async Task<OrphanReport> GetAsync(CancellationToken ct)
    {
        var (points, hosts) = await LoadAsync(ct);
        var files = new List<OrphanFile>(RepositoryOrphans(points));
        var notListed = new List<string>();
        foreach (var host in hosts)
        {
            var (orphans, error) = await DumpAreaOrphansAsync(host, points, ct);
            files.AddRange(orphans);
            if (error is not null)
            {
                notListed.Add($"{host.Name}: {error}");
            }
        }
        var gone = points.Where(a => a.InRepository)
            .Select(a => (Point: a, Missing: a.Files.Where(f => !File.Exists(LocalPath(a, f))).Select(f => f.Name).ToList()))
            .Where(x => x.Missing.Count > 0)
            .Select(x => new GoneArchive(x.Point.Id, x.Point.Label, x.Point.VmPairId, x.Missing)).ToList();
        return new OrphanReport(files, gone, notListed);
    }

    public async Task<Result<OrphanFile>> DeleteFileAsync(int? hostId, string path, string actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Result<OrphanFile>.Invalid("path", "Path is required: the orphan's path as the report lists it.");
        }
        var (points, hosts) = await LoadAsync(ct);
        OrphanFile? orphan;
        if (hostId is { } id)
        {
            if (hosts.FirstOrDefault(h => h.Id == id) is not { } host)
            {
                return Result<OrphanFile>.NotFound($"Host {id} does not exist or has no trusted key.");
            }
            var (orphans, error) = await DumpAreaOrphansAsync(host, points, ct);
            if (error is not null)
            {
                return Result<OrphanFile>.Conflict($"The dump area of {host.Name} could not be read: {error}. Nothing was deleted.");
            }
            orphan = orphans.FirstOrDefault(o => o.Path == path);
            if (orphan is null)
            {
                return Result<OrphanFile>.Invalid("path", $"{path} is not an orphan in the dump area of {host.Name}. Nothing was deleted.");
            }
            // The name came from the host's own listing of the dump area, and has no '/' (checked there).
            await transport.RemoveRemoteAsync(host, [drivers.For(host).StagingPathOf(host, orphan.Path)], ct);
        }
        else
        {
            orphan = RepositoryOrphans(points).FirstOrDefault(o => o.Path == path);
            if (orphan is null)
            {
                return Result<OrphanFile>.Invalid("path", $"{path} is not an orphan in the repository. Nothing was deleted.");
            }
            File.Delete(InsideRepository(orphan.Path));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete-orphan", EntityType, orphan.Where + ":" + orphan.Path,
            $"Deleted the orphan file {orphan.Path} ({ByteSize.Format(orphan.SizeBytes)}) from {(orphan.HostId is null ? "the repository" : "the dump area of " + orphan.Where)}",
            orphan, null));
        await db.SaveChangesAsync(ct);
        return Result<OrphanFile>.Ok(orphan);
    }

    public async Task<Result<Archive>> ForgetAsync(long archiveId, string actor, CancellationToken ct)
    {
        var point = await archives.FindAsync(archiveId, ct);
        if (point is null)
        {
            return Result<Archive>.NotFound($"Restore point {archiveId} does not exist.");
        }
        var present = point.Files.Where(f => File.Exists(LocalPath(point, f))).Select(f => f.Name).ToList();
        if (present.Count > 0)
        {
            return Result<Archive>.Conflict(
                $"The repository still holds {string.Join(", ", present)} of {point.Label}: only a row whose files are gone is forgotten here. Delete the restore point instead.");
        }
        // The store's delete refuses a point a task uses or another point builds on, and audits it.
        return await archives.DeleteAsync(archiveId, actor, ct);
    }

    private async Task<(List<Archive> Points, List<Hypervisor> Hosts)> LoadAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var points = await db.Archives.AsNoTracking().Include(a => a.Files).ToListAsync(ct);
        var hosts = (await db.Hypervisors.AsNoTracking().OrderBy(h => h.Name).ToListAsync(ct)).Where(h => h.PinnedHostKey is not null).ToList();
        return (points, hosts);
    }

    private IEnumerable<OrphanFile> RepositoryOrphans(List<Archive> points)
    {
        var root = Path.GetFullPath(repository.Root);
        if (!Directory.Exists(root))
        {
            yield break;
        }
        var known = points.SelectMany(a => a.Files.Select(f => a.RepositoryRelativePath(f))).ToHashSet(StringComparer.Ordinal);
        foreach (var full in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, full);
            if (!known.Contains(relative) && !IsTransferLeftoverOfKnown(relative, known))
            {
                var info = new FileInfo(full);
                yield return new OrphanFile(null, "repository", relative, info.Length, info.LastWriteTimeUtc);
            }
        }
    }

    /// <summary>rsync's partial data and temporary files of a known file belong to a pull that may resume.</summary>
    private static bool IsTransferLeftoverOfKnown(string relative, HashSet<string> known)
    {
        var dir = Path.GetDirectoryName(relative) ?? "";
        var name = Path.GetFileName(relative);
        if (Path.GetFileName(dir) == Transport.RsyncArguments.PartialDirectoryName)
        {
            return known.Contains(Path.Combine(Path.GetDirectoryName(dir) ?? "", name));
        }
        // ".name.XXXXXX"
        return name.StartsWith('.') && name.Length > 8 && known.Contains(Path.Combine(dir, name[1..^7]));
    }

    private async Task<(List<OrphanFile> Orphans, string? Error)> DumpAreaOrphansAsync(Hypervisor host, List<Archive> points, CancellationToken ct)
    {
        if (drivers.Find(host.Kind) is not { } driver)
        {
            return ([], $"no driver for {host.Kind}");
        }
        // The driver names where it stages files; the dump area is that directory.
        var directory = Path.GetDirectoryName(driver.StagingPathOf(host, "probe"))!;
        var known = points.SelectMany(a => a.Files.Select(f => f.Name)).ToHashSet(StringComparer.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HostTimeout);
        try
        {
            var entries = await transport.RemoteListAsync(host, directory, timeout.Token);
            return (entries.Where(e => !e.Name.Contains('/', StringComparison.Ordinal) && e.Name is not ("." or "..") && !known.Contains(e.Name)
                                       && !(e.Name.StartsWith('.') && e.Name.Length > 8 && known.Contains(e.Name[1..^7])))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new OrphanFile(host.Id, host.Name, e.Name, e.SizeBytes, e.ModifiedAt)).ToList(), null);
        }
        catch (Exception ex) when (ex is TransferException or OperationCanceledException or Core.Remote.RemoteConnectionException or Core.Remote.HostKeyMismatchException && !ct.IsCancellationRequested)
        {
            return ([], ex is OperationCanceledException ? "no answer within 30 s" : ex.Message);
        }
    }

    private string LocalPath(Archive point, ArchiveFile file) => InsideRepository(point.RepositoryRelativePath(file));

    /// <summary>The absolute path of a relative one, refused when it would leave the repository.</summary>
    private string InsideRepository(string relative)
    {
        var root = Path.GetFullPath(repository.Root);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new InvalidOperationException($"{relative} would lie outside the repository.");
    }
}
