using System.Net.Http.Json;
using DrPortal.Core.History;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Tests.Support;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>The dashboard's figures over a database of its own (counts are of the whole portal).</summary>
public class DashboardFiguresTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Dashboard_SeededRuns_CountsSuccessRates_BytesMoved_AndFitsRepositoryGrowth()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var pair = await CreatePairAsync(admin, (await CreateHostAsync(admin, "dash-dc")).Id, 100, (await CreateHostAsync(admin, "dash-dr", "Recovery")).Id, 9801);
        var seed = new HistorySeed(portal);
        var now = DateTimeOffset.UtcNow;
        const long GiB = 1024 * HistorySeed.MiB;
        // One GiB arrives in the repository on each of three days: 1, 2, 3 GiB.
        var points = new List<long>();
        var yesterdayNoon = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddHours(-12);
        for (var day = 2; day >= 0; day--)
        {
            points.Add((await seed.ArchiveAsync(pair, yesterdayNoon.AddDays(-day), GiB)).Id);
        }
        // Within 7 days: 2 succeeded (one replication moving 1 GiB twice), 1 failed; 20 days ago: 1 failed; cancelled counts for neither.
        await seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Succeeded, now.AddMinutes(-20), points[2],
            (StageName.Backup, 60), (StageName.Pull, 60), (StageName.Push, 60));
        await seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Succeeded, now.AddDays(-1), points[1], (StageName.Backup, 30), (StageName.Pull, null));
        await seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Failed, now.AddDays(-2), null, (StageName.Backup, 5));
        await seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Failed, now.AddDays(-20), null, (StageName.Backup, 5));
        await seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Cancelled, now.AddDays(-3), null, (StageName.Backup, 5));

        var figures = (await admin.GetFromJsonAsync<DashboardFigures>("/api/v1/stats/dashboard", Json.Options))!;

        Assert.Equal((2, 1), (figures.Last7Days.Succeeded, figures.Last7Days.Failed));
        Assert.Equal((2, 2), (figures.Last30Days.Succeeded, figures.Last30Days.Failed));
        Assert.Equal(50, figures.Last30Days.Percent!.Value, 3);
        var today = DateOnly.FromDateTime(now.AddMinutes(-17).UtcDateTime);
        Assert.Equal(2 * GiB, figures.BytesMovedPerDay.Single(d => d.Day == today).Bytes);
        Assert.Equal(2 * GiB, figures.BytesMovedPerDay.Sum(d => d.Bytes));
        Assert.Equal([GiB, 2 * GiB, 3 * GiB], figures.Repository.Size.Select(s => s.Bytes));
        Assert.NotNull(figures.Repository.FreeBytes);
        Assert.Equal(GiB, figures.Repository.Forecast.BytesPerDay!.Value, 0);
        Assert.Equal(1, figures.Protection[RpoStatus.NoTarget]);
    }
}
