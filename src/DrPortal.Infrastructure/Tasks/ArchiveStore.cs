using System.Globalization;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

internal sealed class ArchiveStore(IDbContextFactory<DrPortalDbContext> dbFactory, IOptions<DrPortalOptions> options, IClock clock) : IArchiveStore
{
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
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", "Archive", id.ToString(CultureInfo.InvariantCulture),
            $"Deleted archive {archive.FileName} of {archive.SourceHypervisorName}/{archive.SourceVmId}", archive, null));
        await db.SaveChangesAsync(ct);
        DeleteRepositoryCopy(options.Value, archive);
        return Result<Archive>.Ok(archive);
    }

    /// <summary>
    /// Removes an archive's repository file and its vzdump log. Call it after the row is gone: a file without a row
    /// is an orphan to clean up, a row without its file would be a lie.
    /// </summary>
    internal static void DeleteRepositoryCopy(DrPortalOptions options, Archive archive)
    {
        var path = options.RepositoryPathOf(archive);
        File.Delete(path);
        if (archive.LogFileName is { } log)
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(path)!, log));
        }
    }
}
