using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>Issue 14, finding 10 and "Session policy": an ended session leaves open pages at once; the Account page lists sessions.</summary>
public class SessionsBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string ShotsDirectory = "/tmp/shots-sessions";

    private async Task<(string Name, string Id)> CreateUserAsync(HttpClient admin)
    {
        var name = $"se{Guid.NewGuid():N}"[..12];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator));
        created.EnsureSuccessStatusCode();
        return (name, (await created.Content.ReadFromJsonAsync<UserDto>(Json.Options))!.Id);
    }

    private static async Task<IPage> SignedInPageAsync(IBrowserContext context, string name)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.Locator("#username").FillAsync(name);
        await page.Locator("#password").FillAsync(PortalFactory.AdminPassword);
        await page.Locator("[data-test=login-submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return page;
    }

    [Fact]
    public Task OpenPage_UserDisabledByAnAdmin_IsTakenToLoginWithinSeconds() => StepsAsync(nameof(OpenPage_UserDisabledByAnAdmin_IsTakenToLoginWithinSeconds), async () =>
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var (name, id) = await CreateUserAsync(admin);
        await LogInAsync(name, PortalFactory.AdminPassword);
        await Page.GotoAsync("/account");
        await WaitForInteractiveAsync();

        (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Operator, true))).EnsureSuccessStatusCode();

        // Without the revocation the open page would stay for up to a minute (the periodic check).
        await Page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new() { Timeout = 5_000 });
    });

    [Fact]
    public Task AccountPage_SignOutOtherSession_ListsBoth_AndTheOtherPageGoesToLogin() => StepsAsync(nameof(AccountPage_SignOutOtherSession_ListsBoth_AndTheOtherPageGoesToLogin), async () =>
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var (name, _) = await CreateUserAsync(admin);
        await using var elsewhere = await Portal.Browser.NewContextAsync(new() { BaseURL = Portal.BaseAddress.ToString(), UserAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" });
        var otherPage = await SignedInPageAsync(elsewhere, name);
        await otherPage.Locator("[data-test=portal-ready][data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(name, PortalFactory.AdminPassword);
        await Page.GotoAsync("/account");
        await WaitForInteractiveAsync();

        var rows = Page.Locator("[data-test=sessions-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(Page.Locator("[data-test=session-current]")).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("[data-test=sessions-table]")).ToContainTextAsync("Firefox 128 on Linux");
        Directory.CreateDirectory(ShotsDirectory);
        await Page.Locator("[data-test=sessions-section]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/account-sessions-1440x900.png", FullPage = true });
        await Page.SetViewportSizeAsync(390, 844);
        await Page.Locator("[data-test=sessions-section]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/account-sessions-390x844.png", FullPage = true });

        await Page.Locator("[data-test=session-sign-out]").ClickAsync();

        await otherPage.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new() { Timeout = 5_000 });
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(Page.Locator("[data-test=sessions-sign-out-others]")).ToBeDisabledAsync();
    });

    [Fact]
    public Task UsersPage_SignOutEverywhere_EndsTheUsersOpenPage() => StepsAsync(nameof(UsersPage_SignOutEverywhere_EndsTheUsersOpenPage), async () =>
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var (name, _) = await CreateUserAsync(admin);
        await using var userContext = await Portal.Browser.NewContextAsync(new() { BaseURL = Portal.BaseAddress.ToString() });
        var userPage = await SignedInPageAsync(userContext, name);
        await userPage.Locator("[data-test=portal-ready][data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        await Page.GotoAsync("/users");
        await WaitForInteractiveAsync();
        var row = Page.Locator("[data-test=users-table] tbody tr", new() { HasText = name });

        await row.Locator("[data-test=user-end-sessions]").ClickAsync();
        Directory.CreateDirectory(ShotsDirectory);
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/users-end-sessions-confirm-1440x900.png" });
        await Page.Locator("[data-test=confirm-ok]").ClickAsync();

        await userPage.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new() { Timeout = 5_000 });
        await Assertions.Expect(Page.Locator(".mud-snackbar")).ToContainTextAsync($"Ended 1 session(s) of {name}.");
        await Page.SetViewportSizeAsync(390, 844);
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/users-390x844.png", FullPage = true });
    });
}
