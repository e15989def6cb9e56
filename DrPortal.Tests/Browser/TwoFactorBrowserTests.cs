using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

public class TwoFactorBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string ShotsDirectory = "/tmp/shots-totp";

    private async Task<string> CreateUserAsync()
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var name = $"tf{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator))).EnsureSuccessStatusCode();
        return name;
    }

    private async Task PasswordStepAsync(string name)
    {
        await Page.GotoAsync("/login");
        await Page.Locator("#username").FillAsync(name);
        await Page.Locator("#password").FillAsync(PortalFactory.AdminPassword);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=login-submit]"));
        await Page.WaitForURLAsync(url => url.Contains("/login/2fa", StringComparison.Ordinal));
    }

    /// <summary>Follows "use a recovery code" and waits for the recovery form itself, not the authenticator form it replaces.</summary>
    private async Task UseRecoveryCodeAsync()
    {
        await ClickForNewDocumentAsync(Page.Locator("[data-test=twofactor-use-recovery]"));
        await Page.WaitForURLAsync(url => url.Contains("/login/2fa/recovery", StringComparison.Ordinal));
        await Assertions.Expect(Page.Locator("label[for=code]")).ToHaveTextAsync("Recovery code");
    }

    /// <summary>Posts the code and waits for the answer's page: the next page, or the code page again with its error.</summary>
    private async Task SubmitCodeAsync(string code)
    {
        await Page.Locator("[data-test=twofactor-code]").FillAsync(code);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=twofactor-submit]"));
    }

    private async Task SignedInAsync()
    {
        await Page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await WaitForInteractiveAsync();
    }

    private async Task LogOutAsync()
    {
        await ClickForNewDocumentAsync(Page.Locator("[data-test=logout]"));
        await Page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
    }

    private async Task OpenSetupAsync(string screenshot)
    {
        await Page.GotoAsync("/account");
        await WaitForInteractiveAsync();
        await Page.Locator("[data-test=twofactor-setup]").ClickAsync();
        await Page.Locator("[data-test=twofactor-enable]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = screenshot });
    }

    [Fact]
    public Task Enrol_FromTheQrPageKey_ThenSignInNeedsTheCode() => StepsAsync(nameof(Enrol_FromTheQrPageKey_ThenSignInNeedsTheCode), async () =>
    {
        var name = await CreateUserAsync();
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(name, PortalFactory.AdminPassword);
        Directory.CreateDirectory(ShotsDirectory);
        await OpenSetupAsync($"{ShotsDirectory}/enrol-1440x900.png");
        // On a phone (the page loads there at that size, as a phone's would); a second set-up replaces the first key.
        await Page.SetViewportSizeAsync(390, 844);
        await OpenSetupAsync($"{ShotsDirectory}/enrol-390x844.png");
        var key = (await Page.Locator("[data-test=twofactor-key]").TextContentAsync())!.Trim();
        await Assertions.Expect(Page.Locator("[data-test=twofactor-qr] svg")).ToBeVisibleAsync();

        await TypeAsync("twofactor-enable-code", TwoFactorEnrolment.CurrentCode(key));
        await Page.Locator("[data-test=twofactor-enable]").ClickAsync();
        var codes = (await Page.Locator("[data-test=twofactor-recovery-codes]").TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await Page.Locator("[data-test=twofactor-codes-saved]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/recovery-codes-390x844.png" });
        await Page.Locator("[data-test=twofactor-codes-saved]").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-test=twofactor-status]")).ToContainTextAsync("10 recovery code(s) left");
        await LogOutAsync();

        await PasswordStepAsync(name);
        await SubmitCodeAsync(TwoFactorEnrolment.WrongCode(key));
        await Assertions.Expect(Page.Locator("[data-test=twofactor-error]")).ToContainTextAsync("wrong or expired");
        Assert.Contains("/login/2fa", Page.Url, StringComparison.Ordinal);
        await SubmitCodeAsync(TwoFactorEnrolment.CurrentCode(key));
        await SignedInAsync();
        Assert.Equal(10, codes.Length);
    });

    [Fact]
    public Task SignIn_RecoveryCode_WorksOnceNotTwice() => StepsAsync(nameof(SignIn_RecoveryCode_WorksOnceNotTwice), async () =>
    {
        var name = await CreateUserAsync();
        var (_, codes) = await TwoFactorEnrolment.EnrolAsync(Portal.Services, name);

        await PasswordStepAsync(name);
        await UseRecoveryCodeAsync();
        await SubmitCodeAsync(codes[3]);
        await SignedInAsync();
        await LogOutAsync();

        await PasswordStepAsync(name);
        await UseRecoveryCodeAsync();
        await SubmitCodeAsync(codes[3]);

        await Assertions.Expect(Page.Locator("[data-test=twofactor-error]")).ToContainTextAsync("used already");
        Assert.Contains("/login/2fa/recovery", Page.Url, StringComparison.Ordinal);
    });

    [Fact]
    public Task SignIn_FiveWrongCodes_SendsBackToThePasswordStep() => StepsAsync(nameof(SignIn_FiveWrongCodes_SendsBackToThePasswordStep), async () =>
    {
        var name = await CreateUserAsync();
        var (key, _) = await TwoFactorEnrolment.EnrolAsync(Portal.Services, name);
        await PasswordStepAsync(name);

        for (var i = 0; i < 5; i++)
        {
            await SubmitCodeAsync(TwoFactorEnrolment.WrongCode(key));
        }
        await Assertions.Expect(Page.Locator("[data-test=twofactor-restart]")).ToBeVisibleAsync();
        await Page.GotoAsync("/login/2fa");

        // The half-signed-in state is gone: the code page leads back to the password.
        await Page.WaitForURLAsync(url => url.EndsWith("/login", StringComparison.Ordinal) || url.Contains("/login?", StringComparison.Ordinal));
    });
}
