using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;

namespace DrPortal.Web.Components.Pages.Account;

/// <summary>
/// The second step of signing in, after the password: Identity holds the half-signed-in user in its TwoFactorUserId
/// cookie (five minutes). "Remember this browser" is not offered: the portal drives every hypervisor, and a browser
/// that skips the second factor for weeks is the one an attacker would borrow; "Keep me signed in" already spares
/// users the daily code.
/// </summary>
public partial class LoginTwoFactor
{
    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [Inject]
    private SignInManager<PortalUser> SignIn { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private TwoFactorAttempts Attempts { get; set; } = default!;

    [Inject]
    private IAuditLog Audit { get; set; } = default!;

    [Inject]
    private ISecurityKeys Keys { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "login-2fa")]
    private CodeInput Input { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "login-2fa-key")]
    private KeyAnswer KeyInput { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery]
    private bool RememberMe { get; set; }

    private PortalUser? _user;
    private string? _error;
    private bool _restart;
    private bool _hasAuthenticator;
    private bool _hasRecoveryCodes;
    private SecurityKeyChallenge? _keyChallenge;

    private bool IsRecovery => Navigation.ToBaseRelativePath(Navigation.Uri).StartsWith("login/2fa/recovery", StringComparison.Ordinal);

    /// <summary>Where the login page sends a user whose password was right and who has two-factor sign-in on.</summary>
    internal static string Address(string? returnUrl, bool rememberMe, bool recovery = false) =>
        $"/login/2fa{(recovery ? "/recovery" : "")}?returnUrl={Uri.EscapeDataString(LocalUrl.Safe(returnUrl))}&rememberMe={(rememberMe ? "true" : "false")}";

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        KeyInput ??= new();
        _user = await SignIn.GetTwoFactorAuthenticationUserAsync();
        if (_user is null)
        {
            // No password step behind this request, or it expired.
            Navigation.NavigateTo("/login", forceLoad: true);
            return;
        }
        _hasAuthenticator = _user.TwoFactorEnabled;
        _hasRecoveryCodes = await SignIn.UserManager.CountRecoveryCodesAsync(_user) > 0;
        // A fresh challenge with every rendering; the one posted back travels in the form, encrypted.
        var challenge = await Keys.BeginSignInAsync(_user.Id, SecurityKeyParty.From(HttpContext.Request), HttpContext.RequestAborted);
        _keyChallenge = challenge.IsOk ? challenge.Value : null;
    }

    /// <summary>The key's answer, posted by portal.js: checked against the user's keys, the challenge and the counter.</summary>
    private async Task VerifyKeyAsync()
    {
        if (_user is null)
        {
            return;
        }
        if (Attempts.IsBlocked(_user.Id))
        {
            await DropAsync("too many failures; security key not checked");
            return;
        }
        var result = await Keys.CompleteSignInAsync(_user.Id, KeyInput.State, KeyInput.Assertion, SecurityKeyParty.From(HttpContext.Request), HttpContext.RequestAborted);
        if (result.IsOk)
        {
            if (!await SignIn.CanSignInAsync(_user))
            {
                await DropAsync("the account is disabled");
                return;
            }
            Attempts.Clear(_user.Id);
            await ((PortalSignInManager)SignIn).SecurityKeySignInAsync(_user, RememberMe);
            await RecordAsync(SignInOutcome.SignedIn, $"security key \"{result.Value!.Name}\"");
            Navigation.NavigateTo(LocalUrl.Safe(ReturnUrl), forceLoad: true);
            return;
        }
        var failures = Attempts.RecordFailure(_user.Id);
        if (failures >= TwoFactorAttempts.MaxFailures)
        {
            await DropAsync($"security key refused, {failures} in a row: the password step must be repeated");
            return;
        }
        await RecordAsync(SignInOutcome.Failed, "security key refused");
        _error = result.Errors?.First("assertion") ?? "The security key's answer did not verify.";
        // The key was the last second factor (removed meanwhile): nothing is left to try on this page.
        _restart = _keyChallenge is null && !_hasAuthenticator && !_hasRecoveryCodes;
    }

    private async Task VerifyAsync()
    {
        if (_user is null)
        {
            return;
        }
        var code = (Input.Code ?? "").Trim();
        var via = IsRecovery ? "recovery code" : "authenticator code";
        if (Attempts.IsBlocked(_user.Id))
        {
            await DropAsync($"too many wrong codes; {via} not checked");
            return;
        }
        var result = IsRecovery
            ? await SignIn.TwoFactorRecoveryCodeSignInAsync(code)
            : await SignIn.TwoFactorAuthenticatorSignInAsync(Infrastructure.Accounts.TwoFactorCode.Normalize(code), RememberMe, rememberClient: false);
        if (result.Succeeded)
        {
            Attempts.Clear(_user.Id);
            await RecordAsync(SignInOutcome.SignedIn, via);
            Navigation.NavigateTo(LocalUrl.Safe(ReturnUrl), forceLoad: true);
            return;
        }
        if (result.IsLockedOut || result.IsNotAllowed)
        {
            await DropAsync(result.IsLockedOut ? "the account is locked" : "the account is disabled");
            return;
        }
        var failures = Attempts.RecordFailure(_user.Id);
        if (failures >= TwoFactorAttempts.MaxFailures)
        {
            await DropAsync($"wrong {via}, {failures} in a row: the password step must be repeated");
            return;
        }
        await RecordAsync(SignInOutcome.Failed, $"wrong {via}");
        _error = IsRecovery
            ? "This recovery code is wrong or was used already."
            : "This code is wrong or expired. Enter the code your app shows now.";
    }

    /// <summary>Ends the half-signed-in state: the next try starts with the password again.</summary>
    private async Task DropAsync(string detail)
    {
        await RecordAsync(SignInOutcome.Failed, detail);
        await HttpContext.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        _restart = true;
        _error = "Too many wrong codes, or the account cannot sign in now. Sign in again with your password.";
    }

    private Task RecordAsync(SignInOutcome outcome, string detail) =>
        new SignInEvent(_user!.UserName!, outcome, SignInEvent.TwoFactorStep, HttpContext.Connection.RemoteIpAddress?.ToString(), detail)
            .RecordAsync(Audit, CancellationToken.None);

    private sealed class KeyAnswer
    {
        public string? State { get; set; }

        public string? Assertion { get; set; }
    }

    private sealed class CodeInput
    {
        [System.ComponentModel.DataAnnotations.Required(ErrorMessage = "The code is required.")]
        [System.ComponentModel.DataAnnotations.StringLength(64, ErrorMessage = "The code is at most 64 characters.")]
        public string? Code { get; set; }
    }
}
