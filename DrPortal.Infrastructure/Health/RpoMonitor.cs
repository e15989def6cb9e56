using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Core.Pairs;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Health;

/// <summary>
/// Every <see cref="HealthOptions.RpoCheckIntervalSeconds"/>: holds each watched pair's newest good restore point against
/// its RPO and publishes RpoBreached / RpoRecovered on a transition only. The state is the pair's
/// <see cref="VmPair.RpoBreachedAt"/>, changed by a conditional UPDATE: whoever flips it (this node after a restart, or
/// another node) is the only one that publishes.
/// </summary>
internal sealed class RpoMonitor(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IPairProtection protection,
    IOperationalEvents events,
    IClock clock,
    IOptions<HealthOptions> options,
    ILogger<RpoMonitor> logger) : PeriodicRoundService(logger)
{
    protected override string RoundName => "RPO checks";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, options.Value.RpoCheckIntervalSeconds));

    protected override Task RunRoundAsync(CancellationToken ct) => EvaluateAsync(ct);

    /// <summary>One round over every pair; returns how many events it published.</summary>
    internal async Task<int> EvaluateAsync(CancellationToken ct)
    {
        var verdicts = (await protection.ListAsync(ct)).ToDictionary(p => p.PairId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pairs = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).OrderBy(p => p.Id).ToListAsync(ct);
        var published = 0;
        foreach (var pair in pairs.Where(RpoWatch.Evaluates))
        {
            if (!verdicts.TryGetValue(pair.Id, out var verdict))
            {
                continue;
            }
            var change = RpoWatch.Change(verdict.Status, pair.RpoBreachedAt is not null);
            if (change == RpoChange.None)
            {
                continue;
            }
            var now = clock.UtcNow;
            var id = pair.Id;
            var flipped = change == RpoChange.Breached
                ? await db.VmPairs.Where(p => p.Id == id && p.RpoBreachedAt == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.RpoBreachedAt, now), ct)
                : await db.VmPairs.Where(p => p.Id == id && p.RpoBreachedAt != null).ExecuteUpdateAsync(s => s.SetProperty(p => p.RpoBreachedAt, (DateTimeOffset?)null), ct);
            if (flipped == 1)
            {
                events.Publish(RpoWatch.Event(change, pair, verdict, now));
                published++;
            }
        }
        return published;
    }
}
