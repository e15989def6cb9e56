using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Reports;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>The readiness report from real pair, archive, drill, schedule and task rows in MariaDB; JSON and CSV.</summary>
public class ReadinessApiTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private readonly HistorySeed _seed = new(portal);

    private async Task<(HttpClient Admin, VmPairDto Pair)> PairAsync(string tag, int targetVm, int? rpoMinutes)
    {
        var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm);
        var response = await admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new
        {
            sourceHypervisorId = primary.Id,
            sourceVm = "100",
            targetHypervisorId = recovery.Id,
            targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
            rpoMinutes,
            confirmUnverifiedSource = true,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (admin, (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!);
    }

    /// <summary>A drill run of the pair that started <paramref name="startedAt"/> and whose VM passed its check <paramref name="rto"/> later.</summary>
    private async Task<long> DrillAsync(VmPairDto pair, DateTimeOffset startedAt, TimeSpan rto)
    {
        await using var db = await _seed.DbAsync();
        var run = new DrRun
        {
            Kind = DrRunKind.Drill,
            VmPairId = pair.Id,
            Label = "drill",
            Status = DrRunStatus.Succeeded,
            RequestedBy = "seed",
            CreatedAt = startedAt,
            StartedAt = startedAt,
            FinishedAt = startedAt + rto,
        };
        run.Tasks.Add(new DrTask
        {
            Kind = DrTaskKind.Drill,
            VmPairId = pair.Id,
            PairLabel = "drill",
            Status = DrTaskStatus.Succeeded,
            RequestedBy = "seed",
            CreatedAt = startedAt,
            StartedAt = startedAt,
            FinishedAt = startedAt + rto,
            CheckPassedAt = startedAt + rto,
        });
        db.DrRuns.Add(run);
        await db.SaveChangesAsync();
        var row = await db.VmPairs.SingleAsync(p => p.Id == pair.Id);
        (row.LastDrillAt, row.LastDrillPassed, row.LastDrillRunId) = (startedAt + rto, true, run.Id);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private async Task FailAsync(VmPairDto pair, DateTimeOffset at, string error)
    {
        var task = await _seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Failed, at, null, (StageName.Backup, 10));
        await using var db = await _seed.DbAsync();
        (await db.Tasks.SingleAsync(t => t.Id == task.Id)).Error = error;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Readiness_PairWithPointDrillScheduleAndFailures_ReportsEach_AndAPairWithNone()
    {
        var (admin, ready) = await PairAsync("ready-full", 9901, 60);
        using var owned = admin;
        var (_, bare) = await PairAsync("ready-bare", 9902, null);
        var now = DateTimeOffset.UtcNow;
        await _seed.ArchiveAsync(ready, now.AddHours(-5), 10 * HistorySeed.MiB, onRecovery: true);
        var newest = await _seed.ArchiveAsync(ready, now.AddMinutes(-30), 10 * HistorySeed.MiB, onRecovery: true);
        // A newer point without a verified repository copy is not "good".
        await _seed.ArchiveAsync(ready, now.AddMinutes(-5), 10 * HistorySeed.MiB, inRepository: false);
        var runId = await DrillAsync(ready, now.AddDays(-2), TimeSpan.FromMinutes(7));
        var created = await portal.Services.GetRequiredService<IScheduleStore>().CreateAsync(
            new ScheduleInput { VmPairId = ready.Id, Kind = ScheduleKind.Replicate, Timing = ScheduleTiming.Cron, Cron = "*/15 * * * *", TimeZone = "UTC" },
            "tester", CancellationToken.None);
        Assert.True(created.IsOk, created.Message);
        for (var i = 1; i <= 4; i++)
        {
            await FailAsync(ready, now.AddHours(-i), $"failure {i}");
        }
        await FailAsync(ready, now.AddDays(-40), "too old to list");

        var report = (await admin.GetFromJsonAsync<ReadinessReport>("/api/v1/reports/readiness", Json.Options))!;

        var row = report.Rows.Single(r => r.PairId == ready.Id);
        Assert.Equal(RpoStatus.Met, row.RpoStatus);
        Assert.Equal(TimeSpan.FromMinutes(60), row.RpoTarget);
        Assert.Equal(30, row.RpoAchieved!.Value.TotalMinutes, 0);
        Assert.Equal(newest.Id, row.NewestPointId);
        Assert.Equal(["repository", "ready-full-dr"], row.NewestPointCopies);
        Assert.Equal((runId, true), (row.LastDrillRunId, row.LastDrillPassed));
        Assert.Equal(TimeSpan.FromMinutes(7), row.LastDrillRto);
        Assert.Contains("cron '*/15 * * * *'", Assert.Single(row.Schedules).When, StringComparison.Ordinal);
        Assert.Equal(["failure 1", "failure 2", "failure 3"], row.LastFailures.Select(f => f.Error));

        var none = report.Rows.Single(r => r.PairId == bare.Id);
        Assert.Equal((RpoStatus.NoTarget, (long?)null, (DateTimeOffset?)null, (TimeSpan?)null), (none.RpoStatus, none.NewestPointId, none.LastDrillAt, none.LastDrillRto));
        Assert.Empty(none.NewestPointCopies);
        Assert.Empty(none.Schedules);
        Assert.Empty(none.LastFailures);
    }

    [Fact]
    public async Task ReadinessCsv_ErrorsWithCommasQuotesAndLineBreaks_AreQuotedPerRfc4180()
    {
        var (admin, pair) = await PairAsync("ready-csv", 9903, 120);
        using var owned = admin;
        await FailAsync(pair, DateTimeOffset.UtcNow.AddMinutes(-10), "vzdump said \"no space\", exit 28\nsecond line");

        var response = await admin.GetAsync("/api/v1/reports/readiness.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.StartsWith(string.Join(',', ReadinessCsv.Header), csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        var line = csv.Split("\r\n").Single(l => l.StartsWith(pair.Id.ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal));
        Assert.Contains(",Breached,120,,", line, StringComparison.Ordinal);
        Assert.Contains("\"#", line, StringComparison.Ordinal);
        Assert.Contains("vzdump said \"\"no space\"\", exit 28\nsecond line\"", line, StringComparison.Ordinal);
    }
}
