using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Reports;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>The readiness report in six queries whatever the number of pairs: pairs, protection, newest points, drills, schedules, failures.</summary>
internal sealed class ReadinessReportQuery(
    IDbContextFactory<DrPortalDbContext> dbFactory, IPairProtection protection, IScheduleCalendar calendar, IClock clock) : IReadinessReport
{
    /// <summary>The most failed tasks read for the report (the newest), so a bad month cannot make it slow.</summary>
    internal const int FailureCap = 1000;

    public const string RepositoryCopy = "repository";

    public async Task<ReadinessReport> BuildAsync(CancellationToken ct)
    {
        var now = clock.UtcNow;
        var failuresSince = now.AddDays(-ReadinessReport.DefaultFailureDays);
        var protections = (await protection.ListAsync(ct)).ToDictionary(p => p.PairId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pairs = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).ToListAsync(ct);

        var newest = (await db.Archives.AsNoTracking().Where(a => a.VmPairId != null).WhereVerified()
                .Select(a => new { a.Id, PairId = a.VmPairId!.Value, a.Label, a.CreatedAt, a.OnPrimary, a.InRepository, a.OnRecovery, a.SourceHypervisorName })
                .ToListAsync(ct))
            .GroupBy(a => a.PairId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).First());

        var runIds = pairs.Where(p => p.LastDrillRunId is not null).Select(p => p.LastDrillRunId!.Value).Distinct().ToList();
        var drills = (await db.Tasks.AsNoTracking()
                .Where(t => t.DrRunId != null && runIds.Contains(t.DrRunId.Value) && t.Kind == DrTaskKind.Drill && t.VmPairId != null)
                .Select(t => new { RunId = t.DrRunId!.Value, PairId = t.VmPairId!.Value, t.CheckPassedAt, RunStartedAt = t.DrRun!.StartedAt })
                .ToListAsync(ct))
            .ToLookup(d => (d.RunId, d.PairId));

        var schedules = (await db.Schedules.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct)).ToLookup(s => s.VmPairId);

        var failures = (await db.Tasks.AsNoTracking()
                .Where(t => t.Status == DrTaskStatus.Failed && t.VmPairId != null && t.FinishedAt >= failuresSince)
                .OrderByDescending(t => t.FinishedAt).ThenByDescending(t => t.Id).Take(FailureCap)
                .Select(t => new { t.Id, PairId = t.VmPairId!.Value, t.Kind, t.FinishedAt, t.Error })
                .ToListAsync(ct))
            .ToLookup(f => f.PairId);

        var rows = pairs.Select(pair =>
        {
            var verdict = protections.GetValueOrDefault(pair.Id) ?? PairProtection.Of(pair, null, 0, null, now);
            var point = newest.GetValueOrDefault(pair.Id);
            var copies = new List<string>();
            if (point is not null)
            {
                if (point.InRepository)
                {
                    copies.Add(RepositoryCopy);
                }
                if (point.OnPrimary)
                {
                    copies.Add(point.SourceHypervisorName);
                }
                if (point.OnRecovery)
                {
                    copies.Add(pair.TargetHypervisor?.Name ?? $"host {pair.TargetHypervisorId}");
                }
            }
            var drill = pair.LastDrillRunId is { } runId ? drills[(runId, pair.Id)].FirstOrDefault() : null;
            TimeSpan? rto = drill is { CheckPassedAt: { } passed, RunStartedAt: { } started } ? passed - started : null;
            return new ReadinessRow(
                pair.Id, pair.Describe(), verdict.Status, verdict.Rpo, point is null ? null : now - point.CreatedAt,
                point?.Id, point?.Label, point?.CreatedAt, copies,
                pair.LastDrillAt, pair.LastDrillPassed, pair.LastDrillRunId, rto,
                [.. schedules[pair.Id].Select(s => new ReadinessSchedule(s.Id, s.Kind.ToString(), s.Describe(), s.Enabled,
                    s.Enabled ? calendar.Upcoming(s.ToCronSchedule(), 1).Cast<DateTimeOffset?>().FirstOrDefault() : null))],
                [.. failures[pair.Id].Take(ReadinessReport.FailuresPerPair).Select(f => new ReadinessFailure(f.Id, f.Kind, f.FinishedAt!.Value, f.Error))]);
        }).OrderBy(r => r.Pair, StringComparer.Ordinal).ToList();
        return new ReadinessReport(now, ReadinessReport.DefaultFailureDays, rows);
    }
}
