using DrPortal.Core.Hosts;
using DrPortal.Core.Recovery;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Recovery;

/// <summary>A run, its groups and its children (with pairs and hosts) loaded fresh and tracked for one look of the coordinator.</summary>
internal sealed class EfRunStore(IDbContextFactory<DrPortalDbContext> contexts) : IRunStore
{
    public async Task<IRunUnit?> OpenAsync(long runId)
    {
        var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var run = await db.DrRuns.Include(r => r.Groups)
            .Include(r => r.Tasks).ThenInclude(t => t.VmPair!).ThenInclude(p => p.SourceHypervisor)
            .Include(r => r.Tasks).ThenInclude(t => t.VmPair!).ThenInclude(p => p.TargetHypervisor)
            .AsSplitQuery().FirstOrDefaultAsync(r => r.Id == runId, CancellationToken.None);
        if (run is null)
        {
            await db.DisposeAsync();
            return null;
        }
        return new Unit(db, run);
    }

    private sealed class Unit(DrPortalDbContext db, DrRun run) : IRunUnit
    {
        public DrRun Run => run;

        public async Task<Hypervisor?> FindHostAsync(int id) => await db.Hypervisors.FindAsync([id], CancellationToken.None);

        public async Task SaveAsync() => await db.SaveChangesAsync(CancellationToken.None);

        public ValueTask DisposeAsync() => db.DisposeAsync();
    }
}
