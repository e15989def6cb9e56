using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

internal sealed class ArchiveStore(IDbContextFactory<DrPortalDbContext> dbFactory, ArchiveRepository repository, IClock clock) : IArchiveStore
{
    private const string EntityType = "Archive";

    public async Task<IReadOnlyList<Archive>> ListAsync(int? pairId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<Archive> q = db.Archives.AsNoTracking().Include(a => a.Files);
        if (pairId is { } id)
        {
            q = q.Where(a => a.VmPairId == id);
        }
        return await q.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToListAsync(ct);
    }

    public async Task<ArchivePage> PageAsync(int? pairId, ListWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<Archive> q = db.Archives.AsNoTracking();
        if (pairId is { } id)
        {
            q = q.Where(a => a.VmPairId == id);
        }
        var totals = await q.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Bytes = g.Sum(a => a.SizeBytes) }).FirstOrDefaultAsync(ct);
        // Ids first, on the (VmPairId,) CreatedAt index; then only those rows with their files.
        var ids = await q.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Skip(window.Skip).Take(window.Take).Select(a => a.Id).ToListAsync(ct);
        // Two reads by key (Include's split query joined the archives again for the files and buffered both result sets).
        var items = await db.Archives.AsNoTracking().Where(a => ids.Contains(a.Id))
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).ToListAsync(ct);
        var files = (await db.ArchiveFiles.AsNoTracking().Where(f => ids.Contains(f.ArchiveId)).ToListAsync(ct)).ToLookup(f => f.ArchiveId);
        foreach (var archive in items)
        {
            archive.Files = [.. files[archive.Id].OrderBy(f => f.Id)];
        }
        return new ArchivePage(items, totals?.Count ?? 0, totals?.Bytes ?? 0);
    }

    public async Task<Archive?> FindAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Archives.AsNoTracking().Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == id, ct);
    }

    public async Task<ArchiveChain?> ChainAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Task<Archive?> Find(long pointId) => db.Archives.AsNoTracking().Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == pointId, ct);
        return await Find(id) is { } point ? await ArchiveChain.WalkAsync(point, Find) : null;
    }

    public async Task<Result<Archive>> DeleteAsync(long id, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var archive = await db.Archives.Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (archive is null)
        {
            return Result<Archive>.NotFound($"Archive {id} does not exist.");
        }
        var dependents = await db.Archives.Where(a => a.ParentArchiveId == id).Select(a => a.Label).ToListAsync(ct);
        if (dependents.Count > 0)
        {
            return Result<Archive>.Conflict(
                $"Restore point {archive.Label} is the base of {string.Join(", ", dependents)}: an incremental point cannot be restored without it. Delete those first.");
        }
        var users = await db.Tasks.Where(t => t.ArchiveId == id && t.ActiveKey != null).Select(t => t.Id).ToListAsync(ct);
        if (users.Count > 0)
        {
            return Result<Archive>.Conflict($"Restore point {archive.Label} is in use by task(s) {string.Join(", ", users.Select(u => $"#{u}"))}; wait for them or cancel them first.");
        }
        db.Archives.Remove(archive);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(CultureInfo.InvariantCulture),
            $"Deleted restore point {archive.Label} of {archive.SourceHypervisorName}/{archive.SourceVm}", AuditView(archive), null));
        await db.SaveChangesAsync(ct);
        repository.DeleteAll(archive);
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
                ? $"Protected restore point {archive.Label} of {archive.SourceHypervisorName}/{archive.SourceVm} from retention"
                : $"Lifted the protection of restore point {archive.Label} of {archive.SourceHypervisorName}/{archive.SourceVm}; retention may delete it",
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

    /// <summary>What the audit log keeps of a deleted point: its manifest, not the entity graph.</summary>
    internal static object AuditView(Archive archive) => new
    {
        archive.Id,
        archive.VmPairId,
        archive.SourceHypervisorName,
        archive.SourceVm,
        archive.Label,
        archive.ParentArchiveId,
        archive.SizeBytes,
        archive.CreatedAt,
        Files = archive.Files.Select(f => new { f.Name, f.Role, f.SizeBytes, f.Sha256 }).ToList(),
    };
}
