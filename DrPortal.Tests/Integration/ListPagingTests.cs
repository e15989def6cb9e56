using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>Server paging of the list endpoints against MariaDB: totals, stable order, filters with paging, the maximum take, /schedules' last runs.</summary>
[Collection(ScheduleCollection.Name)]
public class ListPagingTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private IDbContextFactory<DrPortalDbContext> Contexts => portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    private async Task<(HttpClient Admin, VmPairDto Pair, HypervisorDto Primary)> ArrangeAsync(string tag, int targetVm)
    {
        var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        return (admin, await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm), primary);
    }

    [Fact]
    public async Task Archives_PagedOverAPair_GiveEveryPointOnceNewestFirst_WithTheTotalInAHeader()
    {
        var (admin, pair, primary) = await ArrangeAsync("page-arc", 9601);
        using var owned = admin;
        var at = DateTimeOffset.UtcNow;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            // Two points share a time: the id breaks the tie, so pages neither repeat nor skip one.
            db.Archives.AddRange(Enumerable.Range(0, 7).Select(i => new Archive
            {
                VmPairId = pair.Id,
                SourceHypervisorId = primary.Id,
                SourceHypervisorName = primary.Name,
                SourceVm = "100",
                Label = $"page-arc-{i}",
                CreatedAt = at.AddMinutes(i == 6 ? 5 : i),
                InRepository = true,
            }));
            await db.SaveChangesAsync();
        }
        List<long> expected;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            expected = await db.Archives.Where(a => a.VmPairId == pair.Id).OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Select(a => a.Id).ToListAsync();
        }

        var seen = new List<long>();
        for (var skip = 0; skip < 9; skip += 3)
        {
            var response = await admin.GetAsync(new Uri($"/api/v1/archives?pairId={pair.Id}&skip={skip}&take=3", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("7", response.Headers.GetValues("X-Total-Count").Single());
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<ArchiveDto>>(Json.Options))!.Select(a => a.Id));
        }

        Assert.Equal(expected, seen);
        var unpaged = await admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options);
        Assert.Equal(expected, unpaged!.Select(a => a.Id).ToList());
    }

    [Fact]
    public async Task Tasks_FilterAndPagingCombine_TotalCountsTheFilterAndPagesFollowIt()
    {
        var (admin, pair, _) = await ArrangeAsync("page-task", 9602);
        using var owned = admin;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            db.Tasks.AddRange(Enumerable.Range(0, 12).Select(i => new DrTask
            {
                Kind = i % 2 == 0 ? DrTaskKind.Backup : DrTaskKind.Replicate,
                VmPairId = pair.Id,
                PairLabel = "page-task",
                Status = i % 3 == 0 ? DrTaskStatus.Failed : DrTaskStatus.Succeeded,
                RequestedBy = "test",
                CreatedAt = DateTimeOffset.UtcNow,
            }));
            await db.SaveChangesAsync();
        }
        List<long> expected;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            expected = await db.Tasks.Where(t => t.VmPairId == pair.Id && t.Kind == DrTaskKind.Backup && t.Status == DrTaskStatus.Failed)
                .OrderByDescending(t => t.Id).Select(t => t.Id).ToListAsync();
        }
        Assert.Equal(2, expected.Count);

        var first = await admin.GetFromJsonAsync<Page<TaskDto>>($"/api/v1/tasks?pairId={pair.Id}&status=Failed&kind=Backup&skip=0&take=1", Json.Options);
        var second = await admin.GetFromJsonAsync<Page<TaskDto>>($"/api/v1/tasks?pairId={pair.Id}&status=Failed&kind=Backup&skip=1&take=1", Json.Options);
        var past = await admin.GetFromJsonAsync<Page<TaskDto>>($"/api/v1/tasks?pairId={pair.Id}&status=Failed&kind=Backup&skip=2&take=1", Json.Options);

        Assert.Equal((2, 2, 2), (first!.Total, second!.Total, past!.Total));
        Assert.Equal(expected, first.Items.Concat(second.Items).Select(t => t.Id).ToList());
        Assert.Empty(past.Items);
        var all = await admin.GetFromJsonAsync<Page<TaskDto>>($"/api/v1/tasks?pairId={pair.Id}&take=5", Json.Options);
        Assert.Equal(12, all!.Total);
        Assert.Equal(all.Items.Select(t => t.Id).OrderDescending().ToList(), all.Items.Select(t => t.Id).ToList());
        Assert.Equal(5, all.Items.Count);
    }

    [Theory]
    [InlineData("/api/v1/tasks?take=501")]
    [InlineData("/api/v1/tasks?take=0")]
    [InlineData("/api/v1/archives?take=1001")]
    [InlineData("/api/v1/pairs?take=1001")]
    [InlineData("/api/v1/pairs?take=0")]
    [InlineData("/api/v1/hypervisors?take=1001")]
    public async Task List_TakeOutOfRange_Is400NamingTake(string path)
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("take", out _), errors.ToString());
    }

    [Fact]
    public async Task Pairs_PagedThroughAll_GiveTheUnpagedListInIdOrder_WithTheTotalInAHeader()
    {
        var (admin, pair, primary) = await ArrangeAsync("page-pair", 9604);
        using var owned = admin;
        var recovery = await CreateHostAsync(admin, "page-pair-dr2", "Recovery");
        await CreatePairAsync(admin, primary.Id, 101, recovery.Id, 9605);
        await CreatePairAsync(admin, primary.Id, 102, recovery.Id, 9606);

        var unpaged = await admin.GetAsync(new Uri("/api/v1/pairs", UriKind.Relative));
        var all = (await unpaged.Content.ReadFromJsonAsync<List<VmPairDto>>(Json.Options))!.Select(p => p.Id).ToList();
        var seen = new List<int>();
        for (var skip = 0; skip < all.Count + 2; skip += 2)
        {
            var response = await admin.GetAsync(new Uri($"/api/v1/pairs?skip={skip}&take=2", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(all.Count.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<VmPairDto>>(Json.Options))!.Select(p => p.Id));
        }

        Assert.True(all.Count >= 3);
        Assert.Contains(pair.Id, all);
        Assert.Equal(all.Order().ToList(), all);
        Assert.Equal(all, seen);
        Assert.Equal(all.Count.ToString(CultureInfo.InvariantCulture), unpaged.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task Hypervisors_PagedThroughAll_GiveTheUnpagedListInNameOrder_WithTheTotalInAHeader()
    {
        using var admin = await portal.CreateAdminClientAsync();
        foreach (var name in new[] { "page-host-c", "page-host-a", "page-host-b" })
        {
            await CreateHostAsync(admin, name);
        }

        var all = (await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options))!.Select(h => h.Name).ToList();
        var seen = new List<string>();
        for (var skip = 0; skip < all.Count + 2; skip += 2)
        {
            var response = await admin.GetAsync(new Uri($"/api/v1/hypervisors?skip={skip}&take=2", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(all.Count.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<HypervisorDto>>(Json.Options))!.Select(h => h.Name));
        }

        Assert.Equal(all, seen);
        var ours = all.Where(n => n.StartsWith("page-host-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["page-host-a", "page-host-b", "page-host-c"], ours);
    }

    [Fact]
    public async Task LastPerPair_OneRead_GivesEachPairTheNewestTaskItsOwnQueryGives()
    {
        var (admin, first, primary) = await ArrangeAsync("page-last", 9607);
        using var owned = admin;
        var recovery = await CreateHostAsync(admin, "page-last-dr2", "Recovery");
        var second = await CreatePairAsync(admin, primary.Id, 103, recovery.Id, 9608);
        var never = await CreatePairAsync(admin, primary.Id, 104, recovery.Id, 9609);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            foreach (var (pairId, i) in new[] { (first.Id, 0), (second.Id, 1), (first.Id, 2), (second.Id, 3), (first.Id, 4) })
            {
                db.Tasks.Add(new DrTask
                {
                    Kind = DrTaskKind.Backup,
                    VmPairId = pairId,
                    PairLabel = "page-last",
                    Status = i == 4 ? DrTaskStatus.Failed : DrTaskStatus.Succeeded,
                    RequestedBy = "test",
                    CreatedAt = DateTimeOffset.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }
        var tasks = portal.Services.GetRequiredService<ITaskService>();

        var last = await tasks.LastPerPairAsync([first.Id, second.Id, never.Id], CancellationToken.None);

        Assert.Equal([first.Id, second.Id], last.Keys.Order().ToList());
        foreach (var pairId in new[] { first.Id, second.Id })
        {
            var newest = (await tasks.QueryAsync(new TaskQuery(PairId: pairId, Take: 1), CancellationToken.None)).Items.Single();
            Assert.Equal(newest.Id, last[pairId].Id);
        }
        Assert.Equal(DrTaskStatus.Failed, last[first.Id].Status);
        var found = await tasks.FindManyAsync([last[first.Id].Id, last[second.Id].Id, -1], CancellationToken.None);
        Assert.Equal(new[] { last[first.Id].Id, last[second.Id].Id }.Order().ToList(), found.Keys.Order().ToList());
    }

    [Fact]
    public async Task Schedules_List_GivesEachScheduleTheLastRunItsRunsEndpointGives()
    {
        var (admin, pair, _) = await ArrangeAsync("page-sch", 9603);
        using var owned = admin;
        var ids = new List<int>();
        foreach (var at in new[] { "01:00", "02:00", "03:00" })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/schedules", ScheduleApiTests.DailyBody(pair.Id, at, "UTC", enabled: false));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<ScheduleDto>(Json.Options))!.Id);
        }
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            // The first schedule has three runs (newest not inserted last), the second one, the third none.
            foreach (var (schedule, days) in new[] { (ids[0], 2), (ids[0], 5), (ids[0], 1), (ids[1], 3) })
            {
                db.ScheduleRuns.Add(new ScheduleRun
                {
                    ScheduleId = schedule,
                    SlotTime = day.AddDays(days),
                    ClaimedAt = day.AddDays(days),
                    Outcome = ScheduleRunOutcome.Queued,
                    Message = days.ToString(CultureInfo.InvariantCulture),
                });
            }
            await db.SaveChangesAsync();
        }

        var listed = (await admin.GetFromJsonAsync<List<ScheduleDto>>($"/api/v1/schedules?pairId={pair.Id}", Json.Options))!;

        Assert.Equal(ids, listed.Select(s => s.Id).ToList());
        foreach (var s in listed)
        {
            var runs = await admin.GetFromJsonAsync<List<ScheduleRunDto>>($"/api/v1/schedules/{s.Id}/runs?take=1", Json.Options);
            Assert.Equal(runs!.FirstOrDefault(), s.LastRun);
        }
        Assert.Equal("5", listed[0].LastRun!.Message);
        Assert.Equal("3", listed[1].LastRun!.Message);
        Assert.Null(listed[2].LastRun);
    }
}
