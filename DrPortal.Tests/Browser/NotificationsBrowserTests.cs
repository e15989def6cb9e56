using DrPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>The Notifications page in Chromium: a Gotify target added through the dialog, its token shown only as "set".</summary>
public class NotificationsBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    [Fact]
    public Task AddTarget_GotifyPreset_IsListedWithTokenSetAndTheDefaultRule() => StepsAsync(nameof(AddTarget_GotifyPreset_IsListedWithTokenSetAndTheDefaultRule), async () =>
    {
        await Portal.EnsureAdminAsync();
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        await Page.Locator("[data-test=nav-notifications]").ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/notifications", StringComparison.Ordinal));

        await Page.Locator("[data-test=target-add]").ClickAsync();
        await Expect(Page.Locator("[data-test=target-dialog]")).ToBeVisibleAsync();
        await TypeAsync("target-name", "ops gotify");
        await Page.Locator("[data-test=preset-gotify]").ClickAsync();
        await TypeAsync("target-url", "https://gotify.example.org/message");
        await TypeAsync("header-value", "gotify-token-in-browser");
        await ShotAsync("dialog-1440");
        await Page.Locator("[data-test=target-save]").ClickAsync();
        await Expect(Page.Locator("[data-test=target-dialog]")).ToBeHiddenAsync();

        var row = Page.Locator("[data-test=targets-table] tbody tr", new() { HasText = "ops gotify" });
        await Expect(row).ToContainTextAsync("Gotify");
        await Expect(row).ToContainTextAsync("X-Gotify-Key set");
        await Expect(Page.Locator("[data-test=rules-table] tbody tr", new() { HasText = "Failures and breaches" })).ToContainTextAsync("at once");
        Assert.DoesNotContain("gotify-token-in-browser", await Page.ContentAsync(), StringComparison.Ordinal);
        await Expect(Page.Locator("[data-test=digest-form]")).ToContainTextAsync("Weekly readiness digest");
        await Expect(Page.Locator("[data-test=digest-send]")).ToBeVisibleAsync();
        await ShotAsync("page-1440");
        await Page.SetViewportSizeAsync(390, 844);
        await ShotAsync("page-390");
    });

    /// <summary>Screenshots for a look at the layout, under .test-results/browser (notifications-*).</summary>
    private async Task ShotAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
        var path = Path.Combine(root, ".test-results", "browser", $"notifications-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }
}
