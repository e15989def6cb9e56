using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>
/// The forced two-factor enrolment (issue 14) end to end in Chromium: Operators must use two-factor sign-in here, so an
/// Operator without it lands on the enrolment page after the password, reaches nothing else, and is let in once set up.
/// Its own portal: the policy it sets must not reach the other browser tests' users.
/// </summary>
public class TwoFactorEnrolmentBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private static string ShotsDirectory => Path.Combine(Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath(), ".test-results", "shots", "two-factor");

    private async Task<string> CreateOperatorAsync()
    {
        var store = Portal.Services.GetRequiredService<ISecurityPolicyStore>();
        await store.SaveAsync((await store.GetAsync(CancellationToken.None)) with { TwoFactorRequiredRoles = [Roles.Operator] }, PortalFactory.AdminName, CancellationToken.None);
        using var admin = await Portal.CreateAdminClientAsync();
        var name = $"fe{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator))).EnsureSuccessStatusCode();
        return name;
    }

    private async Task PasswordStepAsync(string name, string landsOn)
    {
        await Page.GotoAsync("/login?returnUrl=%2Fschedules");
        await Page.Locator("#username").FillAsync(name);
        await Page.Locator("#password").FillAsync(PortalFactory.AdminPassword);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=login-submit]"));
        await Page.WaitForURLAsync(url => url.Contains(landsOn, StringComparison.Ordinal));
    }

    private async Task ShotAsync(string name, int width, int height)
    {
        Directory.CreateDirectory(ShotsDirectory);
        await Page.SetViewportSizeAsync(width, height);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ShotsDirectory, $"{name}-{width}x{height}.png"), FullPage = true });
    }

    /// <summary>Nothing sticks out sideways (a phone would scroll the page left and right).</summary>
    private async Task<bool> FitsTheWidthAsync() =>
        await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");

    private async Task<string> WaitForKeyAsync()
    {
        await WaitForInteractiveAsync();
        await Assertions.Expect(Page.Locator("[data-test=twofactor-qr] svg")).ToBeVisibleAsync();
        return (await Page.Locator("[data-test=twofactor-key]").TextContentAsync())!.Trim();
    }

    [Fact]
    public Task SignIn_RequiredRoleWithoutTwoFactor_EnrolsBeforeReachingAnythingElse() => StepsAsync(nameof(SignIn_RequiredRoleWithoutTwoFactor_EnrolsBeforeReachingAnythingElse), async () =>
    {
        var name = await CreateOperatorAsync();
        await Page.SetViewportSizeAsync(390, 844);

        await PasswordStepAsync(name, "/login/2fa/enrol");
        await WaitForKeyAsync();
        await Assertions.Expect(Page.Locator("[data-test=twofactor-cancel]")).ToHaveCountAsync(0);
        await ShotAsync("enrol", 390, 844);
        var phoneFits = await FitsTheWidthAsync();
        await ShotAsync("enrol", 1440, 900);
        var api = await Context.APIRequest.GetAsync("/api/v1/hypervisors");
        var apiStatus = api.Status;
        var apiBody = await api.TextAsync();
        await Page.GotoAsync("/pairs");
        await Page.WaitForURLAsync(url => url.Contains("/login/2fa/enrol", StringComparison.Ordinal));
        // That load made a new key: the code must come from the one shown now.
        var key = await WaitForKeyAsync();
        await TypeAsync("twofactor-enable-code", TwoFactorEnrolment.CurrentCode(key));
        await Page.Locator("[data-test=twofactor-enable]").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-test=twofactor-recovery-codes]")).ToBeVisibleAsync();
        await ShotAsync("enrol-recovery-codes", 1440, 900);
        await ShotAsync("enrol-recovery-codes", 390, 844);
        var codesFit = await FitsTheWidthAsync();
        await Page.Locator("[data-test=twofactor-codes-saved]").ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("/pairs", StringComparison.Ordinal));
        await WaitForInteractiveAsync();
        var apiAfter = await Context.APIRequest.GetAsync("/api/v1/hypervisors");

        Assert.True(phoneFits, "The enrolment page is wider than a phone.");
        Assert.True(codesFit, "The recovery codes are wider than a phone.");
        Assert.Equal(403, apiStatus);
        Assert.Contains("Two-factor enrolment required", apiBody, StringComparison.Ordinal);
        Assert.Equal(200, apiAfter.Status);
        await Assertions.Expect(Page.Locator("h1")).ToContainTextAsync("VM pairs");
        await Assertions.Expect(Page.Locator("[data-test=logout]")).ToBeVisibleAsync();
    });

    [Fact]
    public Task CodePage_PhoneAndDesktop_FitsAndTakesTheCode() => StepsAsync(nameof(CodePage_PhoneAndDesktop_FitsAndTakesTheCode), async () =>
    {
        var name = await CreateOperatorAsync();
        var (key, _) = await TwoFactorEnrolment.EnrolAsync(Portal.Services, name);
        await Page.SetViewportSizeAsync(390, 844);

        await PasswordStepAsync(name, "/login/2fa");
        await ShotAsync("login-2fa", 390, 844);
        var phoneFits = await FitsTheWidthAsync();
        await ShotAsync("login-2fa", 1440, 900);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=twofactor-use-recovery]"));
        await ShotAsync("login-2fa-recovery", 390, 844);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=twofactor-use-app]"));
        await Page.Locator("[data-test=twofactor-code]").FillAsync(TwoFactorEnrolment.CurrentCode(key));
        await ClickForNewDocumentAsync(Page.Locator("[data-test=twofactor-submit]"));
        await Page.WaitForURLAsync(url => url.Contains("/schedules", StringComparison.Ordinal));

        Assert.True(phoneFits, "The code page is wider than a phone.");
        await WaitForInteractiveAsync();
    });

    [Fact]
    public Task UsersPage_ResetTwoFactorConfirmed_ShowsTheUserAsRequiredAgain() => StepsAsync(nameof(UsersPage_ResetTwoFactorConfirmed_ShowsTheUserAsRequiredAgain), async () =>
    {
        var name = await CreateOperatorAsync();
        await TwoFactorEnrolment.EnrolAsync(Portal.Services, name);
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        await Page.GotoAsync("/users");
        await WaitForInteractiveAsync();
        var row = Page.Locator("[data-test=users-table] tr", new() { HasText = name });
        await Assertions.Expect(row.Locator("[data-test=user-row-twofactor]")).ToHaveTextAsync("enrolled");
        await ShotAsync("users", 1440, 900);

        await row.Locator("[data-test=user-reset-twofactor]").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-test=confirm-dialog]")).ToContainTextAsync("set up a new authenticator");
        await Page.Locator("[data-test=confirm-ok]").ClickAsync();

        await Assertions.Expect(row.Locator("[data-test=user-row-twofactor]")).ToHaveTextAsync("required, not set up");
        await Assertions.Expect(row.Locator("[data-test=user-reset-twofactor]")).ToHaveCountAsync(0);
        await ShotAsync("users", 390, 844);
        var id = await TwoFactorEnrolment.UserIdAsync(Portal.Services, name);
        Assert.False((await Portal.Services.GetRequiredService<ITwoFactorAccounts>().GetStatusAsync(id, CancellationToken.None)).IsEnabled);
    });
}
