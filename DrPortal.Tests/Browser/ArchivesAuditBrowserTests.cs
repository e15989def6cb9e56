using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>The archives and audit pages at a laptop's 1280×800 and a phone's 390×844: every action inside the window. Screenshots are kept.</summary>
public class ArchivesAuditBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private async Task SeedAsync()
    {
        await using var db = await Portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        if (await db.Archives.AnyAsync())
        {
            // Both window sizes share one portal: seeded once.
            return;
        }
        using var admin = await Portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, "pve-dc1-long-host-name");
        var recovery = await CreateHostAsync(admin, "pve-dr1-long-host-name", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9100);
        db.Archives.AddRange(Enumerable.Range(0, 4).Select(i => new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = primary.Id,
            SourceHypervisorName = primary.Name,
            SourceVm = "100",
            Label = $"vzdump-qemu-100-2026_11_{20 + i}-01_00_00.vma.zst",
            SizeBytes = 3L << 30,
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-i),
            InRepository = i != 1,
            Files = [new ArchiveFile { Name = $"vzdump-qemu-100-2026_11_{20 + i}-01_00_00.vma.zst", Role = "archive", SizeBytes = 3L << 30, Sha256 = i == 1 ? null : new string('e', 64) }],
            OnPrimary = i == 0,
            OnRecovery = i < 3,
            IsProtected = i == 3,
        }));
        await db.SaveChangesAsync();
        var log = Portal.Services.GetRequiredService<IAuditLog>();
        await log.RecordAsync("alice", "update", "VmPair", "1",
            "Changed pair pve-dc1-long-host-name/100 → pve-dr1-long-host-name/9100 with a summary long enough to wrap on a phone screen", new { Note = "before" }, new { Note = "after" }, CancellationToken.None);
    }

    private async Task ShotAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
        var path = Path.Combine(root, ".test-results", "browser", $"{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    /// <summary>Every visible button of the main content lies inside the window horizontally and the page does not scroll sideways.</summary>
    private async Task AssertActionsInsideAsync(int width)
    {
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page scrolls sideways by {overflow} px at {width} px.");
        var outside = await Page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('main button, main a.mud-button-root, .mud-main-content button')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b, b.getBoundingClientRect()])
            .filter(([b, r]) => r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 0.5))
            .map(([b, r]) => (b.getAttribute('aria-label') || b.textContent.trim()) + ' @' + Math.round(r.left) + '..' + Math.round(r.right))");
        Assert.True(outside.Length == 0, $"Outside the {width} px window: {string.Join("; ", outside)}");
        // A table may clip its content instead of widening the page: none of them may be wider inside than outside.
        var clipped = await Page.EvaluateAsync<int>("() => [...document.querySelectorAll('.mud-table-container')].filter(c => c.scrollWidth > c.clientWidth + 1).length");
        Assert.True(clipped == 0, $"{clipped} table(s) clip their content at {width} px.");
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public Task ArchivesAndAudit_FitTheWindow_WithTheirActions(int width, int height) =>
        StepsAsync($"{nameof(ArchivesAndAudit_FitTheWindow_WithTheirActions)}-{width}", async () =>
    {
        await SeedAsync();
        await Page.SetViewportSizeAsync(width, height);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);

        await Page.GotoAsync("/archives");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=archive-protect]")).ToHaveCountAsync(4);
        await ShotAsync($"archives-{width}x{height}");
        await AssertActionsInsideAsync(width);

        await Page.GotoAsync("/audit");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=audit-summary]").First).ToBeVisibleAsync();
        await ShotAsync($"audit-{width}x{height}");
        await AssertActionsInsideAsync(width);
    });
}
