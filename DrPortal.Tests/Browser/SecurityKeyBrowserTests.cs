using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>
/// Issue 14, WebAuthn: a security key registered on the Account page is the second factor at sign-in, in Chromium with
/// its virtual authenticator (CDP's WebAuthn domain) standing in for a key; a removed key, a key the account does not
/// hold and a cloned key with a lower counter do not sign in.
/// </summary>
public class SecurityKeyBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string ShotsDirectory = "/work/shots/sec-webauthn";

    protected override string BaseUrl => Portal.BaseAddress.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

    private ICDPSession _cdp = default!;
    private string _authenticator = "";

    private async Task<string> CreateUserAsync()
    {
        using var admin = await Portal.CreateAdminClientAsync();
        var name = $"sk{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator))).EnsureSuccessStatusCode();
        return name;
    }

    private async Task AddAuthenticatorAsync()
    {
        _cdp = await Context.NewCDPSessionAsync(Page);
        await _cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var added = await _cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
            },
        });
        _authenticator = added!.Value.GetProperty("authenticatorId").GetString()!;
    }

    private async Task<JsonElement> OnlyCredentialAsync()
    {
        var listed = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = _authenticator });
        return Assert.Single(listed!.Value.GetProperty("credentials").EnumerateArray().ToList());
    }

    private async Task RegisterKeyAsync(string name)
    {
        await Page.GotoAsync("/account");
        await WaitForInteractiveAsync();
        await TypeAsync("securitykey-name", name);
        await Page.Locator("[data-test=securitykey-add]").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-test=securitykey-row-name]")).ToHaveTextAsync(name);
    }

    private async Task PasswordStepAsync(string name)
    {
        await Page.GotoAsync("/login");
        await Page.Locator("#username").FillAsync(name);
        await Page.Locator("#password").FillAsync(PortalFactory.AdminPassword);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=login-submit]"));
        await Page.WaitForURLAsync(url => url.Contains("/login/2fa", StringComparison.Ordinal));
    }

    private async Task LogOutAsync()
    {
        await ClickForNewDocumentAsync(Page.Locator("[data-test=logout]"));
        await Page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
    }

    [Fact]
    public Task Register_ThenSignInWithTheKey_LandsOnTheDashboard() => StepsAsync(nameof(Register_ThenSignInWithTheKey_LandsOnTheDashboard), async () =>
    {
        var name = await CreateUserAsync();
        await AddAuthenticatorAsync();
        await Page.SetViewportSizeAsync(1440, 900);
        await LogInAsync(name, PortalFactory.AdminPassword);
        await RegisterKeyAsync("YubiKey 5C on my keyring");
        Assert.Equal("never", (await Page.Locator("[data-test=securitykey-row-last-used]").TextContentAsync())!.Trim());
        await LogOutAsync();

        await PasswordStepAsync(name);
        // A key-only account: the key is the second factor offered, no authenticator-code field.
        await Assertions.Expect(Page.Locator("[data-test=securitykey-signin]")).ToHaveTextAsync("Use a security key");
        Assert.Equal(0, await Page.Locator("[data-test=twofactor-code]").CountAsync());
        Directory.CreateDirectory(ShotsDirectory);
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/login-key-1440x900.png" });
        await Page.SetViewportSizeAsync(390, 844);
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/login-key-390x844.png" });
        await ClickForNewDocumentAsync(Page.Locator("[data-test=securitykey-signin]"));

        await Page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await WaitForInteractiveAsync();
        Assert.Equal(Portal.BaseAddress.Port, new Uri(Page.Url).Port);
        Assert.Equal("/", new Uri(Page.Url).AbsolutePath);
        var credential = await OnlyCredentialAsync();
        Assert.True(credential.GetProperty("signCount").GetInt32() > 0);

        await Page.GotoAsync("/account");
        await WaitForInteractiveAsync();
        await Assertions.Expect(Page.Locator("[data-test=securitykey-row-last-used]")).Not.ToHaveTextAsync("never");
        await Page.Locator("[data-test=securitykeys-section]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/account-keys-390x844.png" });
        await Page.SetViewportSizeAsync(1440, 900);
        await Page.Locator("[data-test=securitykeys-section]").ScrollIntoViewIfNeededAsync();
        await Page.ScreenshotAsync(new() { Path = $"{ShotsDirectory}/account-keys-1440x900.png" });
    });

    [Fact]
    public Task SignIn_ClonedKeyWithALowerCounter_IsRefused() => StepsAsync(nameof(SignIn_ClonedKeyWithALowerCounter_IsRefused), async () =>
    {
        var name = await CreateUserAsync();
        await AddAuthenticatorAsync();
        await LogInAsync(name, PortalFactory.AdminPassword);
        await RegisterKeyAsync("Original");
        await LogOutAsync();
        await PasswordStepAsync(name);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=securitykey-signin]"));
        await Page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await LogOutAsync();

        // The same private key, on an authenticator whose counter is behind the one the portal saw: a clone.
        var credential = await OnlyCredentialAsync();
        await _cdp.SendAsync("WebAuthn.clearCredentials", new Dictionary<string, object> { ["authenticatorId"] = _authenticator });
        await _cdp.SendAsync("WebAuthn.addCredential", new Dictionary<string, object>
        {
            ["authenticatorId"] = _authenticator,
            ["credential"] = new Dictionary<string, object>
            {
                ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
                ["isResidentCredential"] = credential.GetProperty("isResidentCredential").GetBoolean(),
                ["rpId"] = credential.GetProperty("rpId").GetString()!,
                ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
                ["userHandle"] = credential.GetProperty("userHandle").GetString()!,
                ["signCount"] = 0,
            },
        });
        await PasswordStepAsync(name);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=securitykey-signin]"));

        await Assertions.Expect(Page.Locator("[data-test=twofactor-error]")).ToContainTextAsync("did not verify");
        Assert.Contains("/login/2fa", Page.Url, StringComparison.Ordinal);
    });

    [Fact]
    public Task SignIn_RemovedOrUnknownKey_DoesNotSignIn() => StepsAsync(nameof(SignIn_RemovedOrUnknownKey_DoesNotSignIn), async () =>
    {
        var name = await CreateUserAsync();
        await AddAuthenticatorAsync();
        await LogInAsync(name, PortalFactory.AdminPassword);
        await RegisterKeyAsync("Old key");
        await LogOutAsync();

        // Removed (from another browser) after the sign-in page asked for it: the portal refuses the key's answer.
        await PasswordStepAsync(name);
        var keys = Portal.Services.GetRequiredService<ISecurityKeys>();
        var userId = await TwoFactorEnrolment.UserIdAsync(Portal.Services, name);
        var key = Assert.Single(await keys.ListAsync(userId, CancellationToken.None));
        Assert.True((await keys.RemoveAsync(userId, key.Id, CancellationToken.None)).IsOk);
        await ClickForNewDocumentAsync(Page.Locator("[data-test=securitykey-signin]"));
        await Assertions.Expect(Page.Locator("[data-test=twofactor-error]")).ToContainTextAsync("not registered for this account");
        Assert.Contains("/login/2fa", Page.Url, StringComparison.Ordinal);

        // A key the account does not hold: the password alone signs in again (no second factor left); add a key, then
        // swap the authenticator's credentials for unknown ones. The browser finds no key to answer with.
        await Page.GotoAsync("/login");
        await LogInAsync(name, PortalFactory.AdminPassword);
        await RegisterKeyAsync("New key");
        await LogOutAsync();
        await _cdp.SendAsync("WebAuthn.clearCredentials", new Dictionary<string, object> { ["authenticatorId"] = _authenticator });
        await PasswordStepAsync(name);
        await Page.Locator("[data-test=securitykey-signin]").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-test=securitykey-signin-error]")).ToContainTextAsync("did not answer");
        Assert.Contains("/login/2fa", Page.Url, StringComparison.Ordinal);
    });
}
