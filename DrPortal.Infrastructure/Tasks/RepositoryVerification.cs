using DrPortal.Core.Archives;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>Verify tasks for every pair with restore points, through the task pipeline like any other task.</summary>
internal sealed class RepositoryVerification(IDbContextFactory<DrPortalDbContext> dbFactory, ITaskService tasks) : IRepositoryVerification
{
    public async Task<VerifyAllOutcome> RequestAllAsync(string actor, CancellationToken ct)
    {
        List<int> pairIds;
        int orphaned;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            pairIds = await db.Archives.Where(a => a.VmPairId != null).Select(a => a.VmPairId!.Value).Distinct().OrderBy(id => id).ToListAsync(ct);
            orphaned = await db.Archives.CountAsync(a => a.VmPairId == null, ct);
        }
        var ids = new List<long>();
        foreach (var pairId in pairIds)
        {
            var outcome = await tasks.RequestAsync(pairId, DrTaskKind.Verify, null, actor, ct);
            if (outcome.IsOk)
            {
                ids.Add(outcome.Value!.Task.Id);
            }
        }
        return new VerifyAllOutcome(ids, orphaned);
    }
}
