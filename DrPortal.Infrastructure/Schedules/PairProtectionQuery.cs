using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>Three small queries for all pairs at once: the pairs, each pair's newest verified archive, the enabled schedules.</summary>
internal sealed class PairProtectionQuery(IDbContextFactory<DrPortalDbContext> dbFactory, IScheduleCalendar calendar, IClock clock) : IPairProtection
{
    public async Task<IReadOnlyList<PairProtection>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pairs = await db.VmPairs.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var newest = await db.Archives.AsNoTracking()
            .Where(a => a.VmPairId != null).WhereVerified()
            .GroupBy(a => a.VmPairId!.Value)
            .Select(g => new { PairId = g.Key, At = g.Max(a => a.CreatedAt) })
            .ToDictionaryAsync(x => x.PairId, x => x.At, ct);
        // A drill makes no restore point, so its schedule does not protect the pair's RPO.
        var schedules = await db.Schedules.AsNoTracking().Where(s => s.Enabled && s.Kind != ScheduleKind.Drill).ToListAsync(ct);
        var now = clock.UtcNow;
        var nextRuns = schedules
            .Select(s => (s.VmPairId, Next: calendar.Upcoming(s.ToCronSchedule(), 1).Cast<DateTimeOffset?>().FirstOrDefault()))
            .ToLookup(x => x.VmPairId, x => x.Next);
        return pairs.Select(p => PairProtection.Of(p, newest.TryGetValue(p.Id, out var at) ? at : null,
            nextRuns[p.Id].Count(), nextRuns[p.Id].Min(), now)).ToList();
    }
}
