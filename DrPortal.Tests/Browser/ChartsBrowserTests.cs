using DrPortal.Core.Tasks;
using DrPortal.Tests.Integration;
using DrPortal.Tests.Support;
using Microsoft.Playwright;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>Dashboard figures, a pair's history charts and the readiness report over seeded runs, at 1440×900 and 390×844. Screenshots are kept.</summary>
public class ChartsBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string ShotsDirectory = "/work/shots/ops-charts";
    private int _pairId;

    private async Task SeedAsync()
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var dc = await CreateHostAsync(admin, $"pve-dc1-{Page.ViewportSize!.Width}");
        var dr = await CreateHostAsync(admin, $"pve-dr1-{Page.ViewportSize!.Width}", "Recovery");
        var pair = await CreatePairAsync(admin, dc.Id, 101, dr.Id, 9101);
        var other = await CreatePairAsync(admin, dc.Id, 102, dr.Id, 9102);
        _pairId = pair.Id;
        var seed = new HistorySeed(Portal);
        var now = DateTimeOffset.UtcNow;
        for (var day = 9; day >= 0; day--)
        {
            var size = (400 + (day * 37 % 90)) * HistorySeed.MiB;
            var point = await seed.ArchiveAsync(pair, now.AddDays(-day).AddHours(-1), size, onRecovery: true);
            await seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Succeeded, now.AddDays(-day).AddHours(-1), point.Id,
                (StageName.Backup, 100 + (day * 13 % 40)), (StageName.Pull, 40 + day), (StageName.Push, 35 + (day % 4)), (StageName.Restore, 70 + (day * 7 % 25)));
        }
        await seed.TaskAsync(other, DrTaskKind.Backup, DrTaskStatus.Failed, now.AddHours(-2), null, (StageName.Backup, 12));
    }

    private async Task ShotAsync(string name)
    {
        Directory.CreateDirectory(ShotsDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ShotsDirectory, name + ".png"), FullPage = true });
    }

    private async Task AssertNoSidewaysScrollAsync(int width)
    {
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page scrolls sideways by {overflow} px at {width} px.");
    }

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public Task DashboardHistoryAndReadiness_ShowTheSeededRuns_AndFitTheWindow(int width, int height) =>
        StepsAsync($"{nameof(DashboardHistoryAndReadiness_ShowTheSeededRuns_AndFitTheWindow)}-{width}", async () =>
    {
        await Page.SetViewportSizeAsync(width, height);
        await SeedAsync();
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=dashboard-moved] svg").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-test=success-30]")).Not.ToHaveTextAsync("—");
        await ShotAsync($"dashboard-{width}x{height}");
        await AssertNoSidewaysScrollAsync(width);

        await Page.GotoAsync($"/pairs/{_pairId}/history");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=history-backup] svg").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-test=history-pair]")).ToContainTextAsync("succeeded task(s)");
        await ShotAsync($"pair-history-{width}x{height}");
        await AssertNoSidewaysScrollAsync(width);

        await Page.GotoAsync("/reports/readiness");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator($"[data-test=readiness-row][data-pair-id='{_pairId}']")).ToBeVisibleAsync();
        await ShotAsync($"readiness-{width}x{height}");
        await AssertNoSidewaysScrollAsync(width);
    });
}
