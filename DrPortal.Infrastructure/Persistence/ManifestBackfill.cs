using DrPortal.Infrastructure.Tasks;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>
/// Completes manifests that came from round one (the NeutralSeam migration): a vzdump log was recorded without a
/// checksum. Its repository copy is hashed now; a log that was never pulled leaves the manifest. Runs at start until none is left.
/// </summary>
internal sealed class ManifestBackfill(IDbContextFactory<DrPortalDbContext> contexts, ArchiveRepository repository)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var archives = await db.Archives.Include(a => a.Files)
            .Where(a => a.Files.Any(f => f.Sha256 == null && f.Role == "log")).ToListAsync(ct);
        foreach (var archive in archives)
        {
            foreach (var file in archive.Files.Where(f => f.Sha256 is null && f.Role == "log").ToList())
            {
                var path = repository.PathOf(archive, file);
                if (archive.InRepository && repository.Exists(path))
                {
                    file.Sha256 = await repository.Sha256Async(path, ct);
                    file.SizeBytes = repository.LengthOf(path);
                }
                else
                {
                    archive.Files.Remove(file);
                }
            }
            archive.SizeBytes = archive.Files.Sum(f => f.SizeBytes);
        }
        await db.SaveChangesAsync(ct);
        return archives.Count;
    }
}
