using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>
/// A plan built in the browser, drilled, and its run and report opened. The hosts are not real here, so the run is
/// asserted as requested (queued, one lane per VM) and its report as rendered; the lab's full drill builds on this.
/// </summary>
public class DrillBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private async Task<VmPairDto> PairWithVerifiedPointAsync()
    {
        VmPairDto pair;
        using (var admin = await Portal.CreateAdminClientAsync())
        {
            var primary = await CreateHostAsync(admin, "drill-dc");
            var recovery = await CreateHostAsync(admin, "drill-dr", "Recovery");
            pair = await CreatePairAsync(admin, primary.Id, 140, recovery.Id, 9140);
        }
        // A drill starts from a restore point the repository holds verified.
        await using var db = await Portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var label = "vzdump-qemu-140-2026_12_01-10_00_00.vma.zst";
        db.Archives.Add(new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = pair.SourceHypervisorId,
            SourceHypervisorName = pair.SourceHypervisorName!,
            SourceVm = "140",
            Label = label,
            CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
            InRepository = true,
            Files = [new ArchiveFile { Name = label, Role = "archive", SizeBytes = 1, Sha256 = new string('b', 64) }],
        });
        await db.SaveChangesAsync();
        return pair;
    }

    /// <summary>Keeps a screenshot of the page at a laptop's and a phone's size (look at them when the layout changes).</summary>
    private async Task ShootAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
        foreach (var (width, height) in new[] { (1440, 900), (390, 844) })
        {
            await Page.SetViewportSizeAsync(width, height);
            await Page.WaitForTimeoutAsync(300);
            var file = Path.Combine(root, ".test-results", "browser", "drill", $"{name}-{width}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        }
        await Page.SetViewportSizeAsync(1440, 900);
    }

    [Fact]
    public Task BuildPlan_DrillIt_ThenOpenTheRunAndItsReport() =>
        StepsAsync(nameof(BuildPlan_DrillIt_ThenOpenTheRunAndItsReport), async () =>
    {
        Page.SetDefaultTimeout(60_000);
        var pair = await PairWithVerifiedPointAsync();
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/plans");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=plans-empty]")).ToBeVisibleAsync();
        await Page.Locator("[data-test=plan-add]").ClickAsync();
        var editor = Page.Locator("[data-test=plan-editor]");
        await Expect(editor).ToBeVisibleAsync();
        await TypeAsync("plan-name", "browser erp");
        await ChooseAsync("plan-member-pick", "drill-dc/140 → drill-dr/9140");
        await Page.Locator("[data-test=plan-member-add]").ClickAsync();
        await Expect(editor.Locator("[data-test=plan-member]")).ToHaveCountAsync(1);
        await Expect(editor.Locator("[data-test=pair-never-drilled]")).ToBeVisibleAsync();
        await ShootAsync("plan-editor");
        await Page.Locator("[data-test=plan-save]").ClickAsync();
        await Expect(editor).ToBeHiddenAsync();

        var row = Page.Locator("[data-test=plans-table] tbody tr", new() { HasText = "browser erp" });
        await Expect(row.Locator("[data-test=plan-row-groups]")).ToContainTextAsync("1 group(s) · 1 VM(s)");
        await ShootAsync("plans");
        await row.Locator("[data-test=plan-drill]").ClickAsync();
        await Expect(Page.Locator("[data-test=run-request-dialog]")).ToBeVisibleAsync();
        await Page.Locator("[data-test=run-request-ok]").ClickAsync();

        await Page.WaitForURLAsync(url => url.Contains("/runs/", StringComparison.Ordinal));
        var runId = long.Parse(Page.Url[(Page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=run-title]")).ToContainTextAsync("Drill #");
        await Expect(Page.Locator("[data-test=run-label]")).ToContainTextAsync("browser erp");
        var lane = Page.Locator("[data-test=run-lane]");
        await Expect(lane).ToHaveCountAsync(1);
        await Expect(lane.Locator("[data-test=run-lane-pair]")).ToContainTextAsync("drill-dc/140 → drill-dr/9140");
        await Expect(lane.Locator("[data-test=stage-row]").First).ToBeAttachedAsync();
        await ShootAsync("run");

        await Page.Locator("[data-test=run-report-link]").ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/report", StringComparison.Ordinal));
        await Expect(Page.Locator("[data-test=report-title]")).ToContainTextAsync("browser erp");
        await Expect(Page.Locator("[data-test=report-row]")).ToHaveCountAsync(1);
        var csvHref = await Page.Locator("[data-test=report-csv]").GetAttributeAsync("href");
        Assert.Matches(@"api/v1/runs/\d+/report\.csv$", csvHref);
        await ShootAsync("report");
        // The browser's own cookie fetches the CSV, as the Download link does.
        var csv = await Context.APIRequest.GetAsync(csvHref!);
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("Task,Pair,Group,VM,Status", await csv.TextAsync(), StringComparison.Ordinal);
        // Printed, the menu and the buttons go.
        await Page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(Page.Locator("[data-test=report-csv]")).ToBeHiddenAsync();
        await Expect(Page.Locator(".mud-drawer")).ToBeHiddenAsync();
        await Page.EmulateMediaAsync(new() { Media = Media.Screen });

        // Nobody trusted these hosts' keys, so the drill fails at its pre-flight; once it has ended the pair shows that drill.
        var runs = Portal.Services.GetRequiredService<Core.Recovery.IDrRunService>();
        await Support.Poll.UntilAsync(async () => (await runs.FindAsync(runId, CancellationToken.None))?.IsFinished == true,
            $"drill run #{runId} did not end", TimeSpan.FromMinutes(1));
        Assert.Contains("has not been trusted", (await runs.FindAsync(runId, CancellationToken.None))!.Tasks.Single().Error, StringComparison.Ordinal);

        // The pair's recovery dialog, from the pairs page.
        await Page.GotoAsync("/pairs");
        await WaitForInteractiveAsync();
        var pairRow = Page.Locator("[data-test=pairs-table] tbody tr", new() { HasText = "drill-dc" });
        await Expect(pairRow.Locator("[data-test=pair-last-drill]")).ToHaveAttributeAsync("data-passed", "False");
        await Expect(pairRow.Locator("[data-test=pair-drill-link]")).ToContainTextAsync($"run #{runId}");
        await pairRow.Locator("[data-test=pair-recovery]").ClickAsync();
        await Expect(Page.Locator("[data-test=recovery-drill-default]")).ToBeVisibleAsync();
        // Nobody trusted these hosts' keys: the dialog says the hosts could not be asked.
        await Expect(Page.Locator("[data-test=recovery-networks-error]")).ToBeVisibleAsync();
        // Neither host answered, so the NICs are added by hand; a new one starts isolated in drills.
        await Page.Locator("[data-test=recovery-nic-add]").ClickAsync();
        await Expect(Page.Locator("[data-test=recovery-nic][data-nic=net0] [data-test=recovery-drill-isolated]")).ToBeVisibleAsync();
        await ShootAsync("recovery");
        await Page.Locator("[data-test=recovery-cancel]").ClickAsync();
        await ShootAsync("pairs");
        Assert.True(pair.Id > 0);
    });
}
