using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

public class FirstRunBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    [Fact]
    public Task FreshPortal_SetupLoginAndAddHost_HostIsListedAndPersists() => StepsAsync(nameof(FreshPortal_SetupLoginAndAddHost_HostIsListedAndPersists), async () =>
    {
        // First run: every page leads to setup.
        await Page.GotoAsync("/");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/setup$"));
        await Page.Locator("#username").FillAsync("root-admin");
        await Page.Locator("#password").FillAsync(PortalFactory.AdminPassword);
        await Page.Locator("#confirm").FillAsync(PortalFactory.AdminPassword);
        await Page.Locator("[data-test=setup-submit]").ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=getting-started]")).ToBeVisibleAsync();

        // Log out and back in with the new account.
        await Page.Locator("[data-test=logout]").ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await LogInAsync("root-admin", PortalFactory.AdminPassword);
        await Expect(Page.Locator("[data-test=account-link]")).ToContainTextAsync("root-admin");

        await Page.Locator(".mud-nav-link", new() { HasText = "Hosts" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/hosts", StringComparison.Ordinal));
        await Expect(Page.Locator("[data-test=hosts-empty]")).ToBeVisibleAsync();

        await Page.Locator("[data-test=host-add]").ClickAsync();
        await Expect(Page.Locator("[data-test=host-dialog]")).ToBeVisibleAsync();
        await TypeAsync("host-name", "pve-dr1");
        await TypeAsync("host-address", "10.250.0.21");
        await ChooseAsync("host-site", "Recovery");
        await Page.Locator("[data-test=host-save]").ClickAsync();

        await Expect(Page.Locator("[data-test=host-dialog]")).ToBeHiddenAsync();
        var row = Page.Locator("[data-test=hosts-table] tbody tr", new() { HasText = "pve-dr1" });
        await Expect(row).ToContainTextAsync("10.250.0.21:22");
        await Expect(row).ToContainTextAsync("Recovery");
        await Expect(row).ToContainTextAsync("not trusted");

        await Page.ReloadAsync();
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=hosts-table] tbody tr", new() { HasText = "pve-dr1" })).ToContainTextAsync("10.250.0.21:22");
    });
}

public class HostValidationBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    [Fact]
    public Task AddHost_InvalidAddress_ShowsInlineErrorAndSavesNothing() => StepsAsync(nameof(AddHost_InvalidAddress_ShowsInlineErrorAndSavesNothing), async () =>
    {
        await Portal.EnsureAdminAsync();
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        await Page.GotoAsync("/hosts");
        await WaitForInteractiveAsync();

        await Page.Locator("[data-test=host-add]").ClickAsync();
        await TypeAsync("host-name", "pve-dc1");
        // Enter in the field submits the form, as admins expect.
        await Page.Locator("[data-test=host-address]").FillAsync("10.0.0.999; rm -rf /");
        await Page.Locator("[data-test=host-address]").PressAsync("Enter");

        // The server's message, inline under the field, in the error style.
        await Expect(Field("host-address").Locator(".mud-input-helper-text.mud-input-error"))
            .ToContainTextAsync("Address must be an IPv4 address, an IPv6 address or a DNS name");
        await Expect(Page.Locator("[data-test=host-dialog]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-test=host-address]")).ToHaveValueAsync("10.0.0.999; rm -rf /");

        await Page.Locator("[data-test=host-cancel]").ClickAsync();
        await Expect(Page.Locator("[data-test=hosts-empty]")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Viewer_BrowsesHosts_SeesNoChangeButtonsNorUsers() => StepsAsync(nameof(Viewer_BrowsesHosts_SeesNoChangeButtonsNorUsers), async () =>
    {
        using (var admin = await Portal.CreateAdminClientAsync())
        {
            var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("viewer-ui", PortalFactory.AdminPassword, "Viewer"));
            created.EnsureSuccessStatusCode();
        }
        await LogInAsync("viewer-ui", PortalFactory.AdminPassword);

        await Page.GotoAsync("/hosts");
        await WaitForInteractiveAsync();
        await Expect(Page.Locator("[data-test=hosts-table]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-test=host-add]")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".mud-nav-link", new() { HasText = "Users" })).ToHaveCountAsync(0);

        // The page itself refuses, not just the menu.
        await Page.GotoAsync("/users");
        await Expect(Page.Locator("[data-test=access-denied]")).ToContainTextAsync("Your role (Viewer) does not allow /users");
        await Expect(Page.Locator("[data-test=users-table]")).ToHaveCountAsync(0);
    });
}
