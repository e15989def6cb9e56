using DrPortal.Core.Coverage;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Hypervisors;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>Coverage from the pairs' facts in MariaDB and the primary hosts' VM lists cached by <see cref="HostVmInventory"/>.</summary>
internal sealed class CoverageQuery(IDbContextFactory<DrPortalDbContext> dbFactory, IPairProtection protection, HostVmInventory inventory) : ICoverageQuery
{
    public async Task<CoverageReport> GetAsync(bool refresh, CancellationToken ct)
    {
        inventory.RefreshIfStale(refresh);
        List<VmPair> pairs;
        HashSet<int> drilled;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            pairs = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).OrderBy(p => p.Id).ToListAsync(ct);
            drilled = [.. await db.Tasks.AsNoTracking()
                .Where(t => t.Kind == DrTaskKind.Drill && t.VmPairId != null
                            && (t.Status == DrTaskStatus.Succeeded || t.Status == DrTaskStatus.SucceededWithWarnings))
                .Select(t => t.VmPairId!.Value).Distinct().ToListAsync(ct)];
        }
        var protections = (await protection.ListAsync(ct)).ToDictionary(p => p.PairId);
        var byId = pairs.ToDictionary(p => p.Id, p => new CoveredPair(p.Id, p.Describe()));
        var withoutSchedule = pairs.Where(p => !protections.TryGetValue(p.Id, out var pp) || pp.EnabledSchedules == 0).Select(p => byId[p.Id]).ToList();
        var breaching = pairs.Where(p => protections.TryGetValue(p.Id, out var pp) && pp.Status == RpoStatus.Breached).Select(p => byId[p.Id]).ToList();
        var neverDrilled = pairs.Where(p => !drilled.Contains(p.Id)).Select(p => byId[p.Id]).ToList();

        // A VM a pair copies from, or restores into (a failed-over pair's replica), is covered by that pair.
        var covered = pairs.SelectMany(p => new[] { (p.SourceHypervisorId, p.SourceVm), (p.TargetHypervisorId, p.TargetVm) }).ToHashSet();
        var lists = inventory.Lists.ToList();
        var unprotected = lists
            .SelectMany(l => l.Value.Vms.Where(vm => !covered.Contains((l.Key, vm.Ref.Value)))
                .Select(vm => new UnprotectedVm(l.Key, l.Value.HostName, vm.Ref.Value, vm.Name)))
            .OrderBy(v => v.HostName, StringComparer.Ordinal).ThenBy(v => v.Vm, StringComparer.Ordinal).ToList();
        var notListed = lists.Where(l => l.Value.Error is not null).Select(l => $"{l.Value.HostName}: {l.Value.Error}").Order(StringComparer.Ordinal).ToList();
        DateTimeOffset? listedAt = lists.Count == 0 ? null : lists.Min(l => l.Value.ListedAt);
        return new CoverageReport(unprotected, withoutSchedule, breaching, neverDrilled, listedAt, inventory.Refreshing, notListed);
    }
}
