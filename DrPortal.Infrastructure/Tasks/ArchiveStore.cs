using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

internal sealed class ArchiveStore(IDbContextFactory<DrPortalDbContext> dbFactory, IOptions<DrPortalOptions> options, IClock clock) : IArchiveStore
{
    private const string EntityType = "Archive";

    public async Task<IReadOnlyList<Archive>> ListAsync(int? pairId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Archives.AsNoTracking();
        if (pairId is { } id)
        {
            q = q.Where(a => a.VmPairId == id);
        }
        return await q.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToListAsync(ct);
    }

    public async Task<Archive?> FindAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Archives.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    public async Task<Result<Archive>> DeleteAsync(long id, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archive = await db.Archives.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (archive is null)
        {
            return Result<Archive>.NotFound($"Archive {id} does not exist.");
        }
        var users = await db.Tasks.Where(t => t.ArchiveId == id && t.ActiveKey != null).Select(t => t.Id).ToListAsync(ct);
        if (users.Count > 0)
        {
            return Result<Archive>.Conflict($"Archive {archive.FileName} is in use by task(s) {string.Join(", ", users.Select(u => $"#{u}"))}; wait for them or cancel them first.");
        }
        db.Archives.Remove(archive);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(CultureInfo.InvariantCulture),
            $"Deleted archive {archive.FileName} of {archive.SourceHypervisorName}/{archive.SourceVmId}", archive, null));
        await db.SaveChangesAsync(ct);
        DeleteRepositoryCopy(options.Value, archive);
        return Result<Archive>.Ok(archive);
    }

    public async Task<Result<Archive>> SetProtectionAsync(long id, bool isProtected, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archive = await db.Archives.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (archive is null)
        {
            return Result<Archive>.NotFound($"Archive {id} does not exist.");
        }
        if (archive.IsProtected == isProtected)
        {
            // Nothing changes, so nothing is recorded: a repeated click is not an event.
            return Result<Archive>.Ok(archive);
        }
        archive.IsProtected = isProtected;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, isProtected ? "protect" : "unprotect", EntityType, id.ToString(CultureInfo.InvariantCulture),
            isProtected
                ? $"Protected archive {archive.FileName} of {archive.SourceHypervisorName}/{archive.SourceVmId} from retention"
                : $"Lifted the protection of archive {archive.FileName} of {archive.SourceHypervisorName}/{archive.SourceVmId}; retention may delete it",
            new { IsProtected = !isProtected }, new { IsProtected = isProtected }));
        await db.SaveChangesAsync(ct);
        return Result<Archive>.Ok(archive);
    }

    /// <summary>
    /// The archives no retention or delete may remove now: those a queued or running task restores or produces. The
    /// producing task is matched by <see cref="Archive.CreatedByTaskId"/> too, because a backup's archive row exists a
    /// moment before the task row points at it.
    /// </summary>
    internal static async Task<IReadOnlySet<long>> InUseAsync(DrPortalDbContext db, CancellationToken ct)
    {
        var active = db.Tasks.AsNoTracking().Where(t => t.ActiveKey != null);
        var referenced = await active.Where(t => t.ArchiveId != null).Select(t => t.ArchiveId!.Value).ToListAsync(ct);
        var produced = await db.Archives.AsNoTracking()
            .Where(a => a.CreatedByTaskId != null && active.Any(t => t.Id == a.CreatedByTaskId))
            .Select(a => a.Id).ToListAsync(ct);
        return referenced.Concat(produced).ToHashSet();
    }

    /// <summary>
    /// Removes an archive's repository file, its vzdump log and what an unfinished pull left beside it (rsync's partial
    /// data and temporary files). Call it after the row is gone: a file without a row is an orphan to clean up, a row
    /// without its file would be a lie.
    /// </summary>
    internal static void DeleteRepositoryCopy(DrPortalOptions options, Archive archive)
    {
        var path = options.RepositoryPathOf(archive);
        DeleteLocalCopy(path);
        if (archive.LogFileName is { } log)
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(path)!, log));
        }
    }

    /// <summary>Removes a local file with rsync's partial data and temporary files (".name.XXXXXX") beside it.</summary>
    internal static void DeleteLocalCopy(string path)
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
}
