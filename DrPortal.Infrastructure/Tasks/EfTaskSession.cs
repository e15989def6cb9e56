using DrPortal.Core.Archives;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>One run's unit of work on MariaDB: the task's context tracks the task, its pair and hosts, and the points it touches.</summary>
internal sealed class EfTaskSession(DrPortalDbContext db, IDbContextFactory<DrPortalDbContext> dbFactory, long taskId) : ITaskSession
{
    public async Task SaveAsync() => await db.SaveChangesAsync(CancellationToken.None);

    public async Task<Archive?> FindArchiveAsync(long id) =>
        await db.Archives.Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == id, CancellationToken.None);

    public async Task<Archive?> FindArchiveByLabelAsync(int sourceHypervisorId, string label) =>
        await db.Archives.Include(a => a.Files).FirstOrDefaultAsync(a => a.SourceHypervisorId == sourceHypervisorId && a.Label == label, CancellationToken.None);

    public void AddArchive(Archive archive) => db.Archives.Add(archive);

    public async Task<IReadOnlyList<Archive>> ArchivesOfPairAsync(int pairId) =>
        await db.Archives.Include(a => a.Files).Where(a => a.VmPairId == pairId)
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(CancellationToken.None);

    public async Task<Archive?> NewestVerifiedAsync(int pairId, long? except = null, DateTimeOffset? notAfter = null, int? fromHost = null)
    {
        var q = db.Archives.Include(a => a.Files).Where(a => a.VmPairId == pairId).WhereVerified();
        if (fromHost is { } host)
        {
            q = q.Where(a => a.SourceHypervisorId == host);
        }
        if (except is { } id)
        {
            q = q.Where(a => a.Id != id);
        }
        if (notAfter is { } limit)
        {
            q = q.Where(a => a.CreatedAt <= limit);
        }
        return await q.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(CancellationToken.None);
    }

    public async Task<IReadOnlyList<Archive>> ChainAsync(Archive point)
    {
        var chain = await ArchiveChain.WalkAsync(point, FindArchiveAsync);
        return chain.Broken is null ? chain.Points : throw new StageFailedException(chain.Broken);
    }

    public async Task<Core.Recovery.DrRunGroup?> RunGroupAsync(long runId, int position)
    {
        await using var fresh = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        return await fresh.Set<Core.Recovery.DrRunGroup>().AsNoTracking().FirstOrDefaultAsync(g => g.DrRunId == runId && g.Position == position, CancellationToken.None);
    }

    public async Task<Core.Recovery.DrRun?> RunAsync(long runId)
    {
        await using var fresh = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        return await fresh.DrRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, CancellationToken.None);
    }

    public async Task<IReadOnlySet<string>> ClaimedVmsAsync(int hostId)
    {
        await using var fresh = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // A finished drill's scratch VM stays claimed until its run removed it.
        var claimed = await fresh.Tasks.AsNoTracking()
            .Where(t => t.ScratchVm != null && t.Id != taskId && t.DrRun != null && t.DrRun.ScratchRemovedAt == null
                        && ((t.Kind == DrTaskKind.Drill && t.VmPair!.TargetHypervisorId == hostId) || (t.Kind == DrTaskKind.Failback && t.VmPair!.SourceHypervisorId == hostId)))
            .Select(t => t.ScratchVm!).ToListAsync(CancellationToken.None);
        return claimed.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<bool> CancelRequestedAsync()
    {
        await using var fresh = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        return await fresh.Tasks.Where(t => t.Id == taskId).Select(t => t.CancelRequested).FirstAsync(CancellationToken.None);
    }
}
