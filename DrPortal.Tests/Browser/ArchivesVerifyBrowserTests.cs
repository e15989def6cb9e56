using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks;
using DrPortal.Tests.Integration;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>
/// What verify found, on the Archives page: each copy's state per host, a bad copy in red, "Verify" and "Verify all" for
/// operators only, and the list pages a phone reaches without scrolling sideways. This portal runs no jobs, so a requested
/// verify stays queued and its row can be read.
/// </summary>
public class ArchivesVerifyBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string OperatorName = "operator-verify";
    private const string ViewerName = "viewer-verify";
    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private static Seeded? _seeded;

    private sealed record Seeded(int PairId, long BadPointId, long GoodPointId);

    /// <summary>Once per portal: two hosts, a pair, a point whose recovery copy a verify found bad, one verified everywhere, one unchecked.</summary>
    private async Task<Seeded> SeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            var seed = new HistorySeed(Portal);
            await using (var db = await seed.DbAsync())
            {
                if (_seeded is not null && await db.VmPairs.AnyAsync(p => p.Id == _seeded.PairId))
                {
                    return _seeded;
                }
            }
            using var admin = await Portal.CreateAdminClientAsync();
            var dc = await CreateHostAsync(admin, "pve-dc1-verify");
            var dr = await CreateHostAsync(admin, "pve-dr1-verify", "Recovery");
            var pair = await CreatePairAsync(admin, dc.Id, 120, dr.Id, 9120);
            // The longest name a user may have, one word: the Users page must wrap it on a phone.
            foreach (var (name, role) in new[] { (OperatorName, "Operator"), (ViewerName, "Viewer"), (new string('n', 20) + ".night-shift-operator_recovery-site-b", "Operator") })
            {
                (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role))).EnsureSuccessStatusCode();
            }
            var now = DateTimeOffset.UtcNow;
            var bad = await seed.ArchiveAsync(pair, now.AddDays(-1), 700 * HistorySeed.MiB, onRecovery: true);
            var good = await seed.ArchiveAsync(pair, now.AddHours(-3), 710 * HistorySeed.MiB, onRecovery: true);
            await seed.ArchiveAsync(pair, now.AddHours(-1), 720 * HistorySeed.MiB);
            // Runs over a few days, so the pair's history charts have lines to draw.
            foreach (var day in new[] { 4, 3, 2 })
            {
                var older = await seed.ArchiveAsync(pair, now.AddDays(-day), (650 + (day * 10)) * HistorySeed.MiB, inRepository: false);
                await seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Succeeded, now.AddDays(-day), older.Id,
                    (StageName.Backup, 100 + (day * 7)), (StageName.Pull, 40 + day), (StageName.Push, 38), (StageName.Restore, 70 + day));
            }
            await seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Succeeded, now.AddHours(-3), good.Id,
                (StageName.Backup, 120), (StageName.Pull, 45), (StageName.Push, 40), (StageName.Restore, 80));
            await using (var db = await seed.DbAsync())
            {
                var rows = await db.Archives.Where(a => a.Id == bad.Id || a.Id == good.Id).ToListAsync();
                foreach (var row in rows)
                {
                    row.OnPrimary = true;
                    row.RecordCopy(CopyLocation.Primary, CopyState.Good, now.AddMinutes(-30));
                    row.RecordCopy(CopyLocation.Repository, CopyState.Good, now.AddMinutes(-30));
                    row.RecordCopy(CopyLocation.Recovery, row.Id == bad.Id ? CopyState.Bad : CopyState.Good, now.AddMinutes(-30));
                }
                await db.SaveChangesAsync();
                // A host state for the Hosts page's state column, as the background check leaves it.
                await db.Hypervisors.Where(h => h.Id == dc.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(h => h.CheckState, HostCheckState.Reachable).SetProperty(h => h.LastSeenAt, now.AddMinutes(-2))
                    .SetProperty(h => h.LastCheckAt, now.AddMinutes(-2)));
                await db.Hypervisors.Where(h => h.Id == dr.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(h => h.CheckState, HostCheckState.Unreachable).SetProperty(h => h.LastCheckAt, now.AddMinutes(-1))
                    .SetProperty(h => h.CheckMessage, "The host did not answer within 10 s."));
            }
            return _seeded = new Seeded(pair.Id, bad.Id, good.Id);
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private ILocator Row(long archiveId) =>
        Page.Locator("[data-test=archives-table] tr").Filter(new() { Has = Page.Locator($"[data-test=archive-open][data-archive-id='{archiveId}']") });

    private async Task<int> OverflowAsync() =>
        await Page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth - window.innerWidth");

    [Fact]
    public Task Archives_BadCopy_ShowsAsBadWithItsReason() => StepsAsync(nameof(Archives_BadCopy_ShowsAsBadWithItsReason), async () =>
    {
        var seeded = await SeedAsync();
        await LogInAsync(ViewerName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/archives");
        await WaitForInteractiveAsync();

        var badCopy = Row(seeded.BadPointId).Locator("[data-test=archive-copy][data-where=recovery]");
        await Expect(badCopy).ToHaveAttributeAsync("data-state", "bad");
        await Expect(badCopy).ToContainTextAsync("pve-dr1-verify");
        await Expect(badCopy).ToContainTextAsync("bad: checksum differs");
        await Expect(badCopy).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-error"));
        var goodCopy = Row(seeded.GoodPointId).Locator("[data-test=archive-copy][data-where=recovery]");
        await Expect(goodCopy).ToHaveAttributeAsync("data-state", "good");
        await Expect(goodCopy).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"verified \d+ min ago"));
        await Expect(Row(seeded.GoodPointId).Locator("[data-test=archive-copy][data-where=primary]")).ToContainTextAsync("pve-dc1-verify");
    });

    [Fact]
    public Task Archives_Viewer_SeesStatesButNoVerifyButtons() => StepsAsync(nameof(Archives_Viewer_SeesStatesButNoVerifyButtons), async () =>
    {
        await SeedAsync();
        await LogInAsync(ViewerName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/archives");
        await WaitForInteractiveAsync();

        await Expect(Page.Locator("[data-test=archive-copy][data-state=good]").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-test=archive-verify]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-test=archives-verify-all]")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Archives_OperatorVerifiesOnePoint_QueuesAVerifyTaskForThatArchive() => StepsAsync(nameof(Archives_OperatorVerifiesOnePoint_QueuesAVerifyTaskForThatArchive), async () =>
    {
        var seeded = await SeedAsync();
        await LogInAsync(OperatorName, PortalFactory.AdminPassword);
        await Page.GotoAsync("/archives");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=archives-verify-all]")).ToBeVisibleAsync();

        await Row(seeded.BadPointId).Locator("[data-test=archive-verify]").ClickAsync();

        var link = Page.Locator("[data-test=task-request-link]");
        await Expect(link).ToBeVisibleAsync();
        await using var db = await new HistorySeed(Portal).DbAsync();
        var task = await db.Tasks.SingleAsync(t => t.Kind == DrTaskKind.Verify && t.ArchiveId == seeded.BadPointId);
        Assert.Equal(seeded.PairId, task.VmPairId);
        // The portal's job server may already have picked it up: its status is Queued, Running or even ended by now.
        Assert.Equal(OperatorName, task.RequestedBy);
        await Expect(link).ToHaveAttributeAsync("href", $"tasks/{task.Id}");
    });

    [Theory]
    [InlineData("/archives")]
    [InlineData("/users")]
    public Task ListPage_AtPhoneWidth_DoesNotScrollSideways(string path) => StepsAsync($"{nameof(ListPage_AtPhoneWidth_DoesNotScrollSideways)}{path.Replace('/', '-')}", async () =>
    {
        await SeedAsync();
        await Page.SetViewportSizeAsync(390, 844);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

        await Page.GotoAsync(path);
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=archives-table], [data-test=users-table]").Locator("tbody tr").First).ToBeVisibleAsync();

        var overflow = await OverflowAsync();
        Assert.True(overflow <= 0, $"{path} scrolls sideways by {overflow} px at 390 px.");
    });

    /// <summary>The pages this branch looked at, at a desktop's and a phone's size; saved where DRPORTAL_SHOTS says (else the test results).</summary>
    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public Task Pages_Screenshots_FitTheWindow(int width, int height) => StepsAsync($"{nameof(Pages_Screenshots_FitTheWindow)}-{width}", async () =>
    {
        var seeded = await SeedAsync();
        await Page.SetViewportSizeAsync(width, height);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        var shots = Environment.GetEnvironmentVariable("DRPORTAL_SHOTS")
            ?? Path.Combine(Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath(), ".test-results", "browser");
        Directory.CreateDirectory(shots);
        var wide = new List<string>();
        foreach (var (name, path, ready) in new[]
        {
            ("archives", "/archives", "[data-test=archive-copy][data-state=bad]"),
            ("users", "/users", "[data-test=user-row-name]"),
            ("hosts", "/hosts", "[data-test=host-health]"),
            ("orphans", "/archives/orphans", "[data-test=orphans-none], [data-test=orphans-files], [data-test=orphans-gone]"),
            ("dashboard", "/", "[data-test=coverage-panel]"),
            ("readiness", "/reports/readiness", $"[data-test=readiness-row][data-pair-id='{seeded.PairId}']"),
            ("pair-history", $"/pairs/{seeded.PairId}/history", "[data-test=history-backup] svg"),
        })
        {
            await Page.GotoAsync(path);
            await WaitForInteractiveAsync();
            // The orphan report asks every host for its dump area first: unreachable hosts take their SSH timeout.
            await Page.Locator(ready).First.WaitForAsync(new() { Timeout = 60_000 });
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{name}-{width}x{height}.png"), FullPage = true });
            if (name == "orphans")
            {
                // A gone point's long label once squeezed its missing files to one character per line: rows ~1500 px tall.
                var tallest = await Page.EvaluateAsync<int>("() => Math.max(...[...document.querySelectorAll('[data-test=orphans-gone] tr')].map(r => r.getBoundingClientRect().height))");
                Assert.True(tallest < 250, $"A gone restore point's row is {tallest} px tall at {width} px.");
            }
            if (await OverflowAsync() is > 0 and var overflow)
            {
                wide.Add($"{path} by {overflow} px");
            }
        }
        Assert.True(wide.Count == 0, $"Scrolls sideways at {width} px: {string.Join(", ", wide)}");
    });
}
