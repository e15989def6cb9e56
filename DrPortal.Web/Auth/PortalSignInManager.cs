using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Accounts;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Auth;

/// <summary>
/// Identity's sign-in manager, refusing disabled accounts, checking passwords through <see cref="PasswordCheck"/> (which
/// throttles guessers; Identity's lockout is not used, and audits every attempt) and auditing sign-outs.
/// </summary>
internal sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    IAuditLog audit,
    PasswordCheck passwords,
    ISecurityKeys securityKeys)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>A refusal because this client tried too often; the page says how long to wait.</summary>
    internal sealed class Throttled : SignInResult
    {
        public Throttled(TimeSpan retryAfter)
        {
            IsLockedOut = true;
            RetryAfter = retryAfter;
        }

        public TimeSpan RetryAfter { get; }
    }

    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>Identity's lockout lets anyone lock any account; the throttle slows guessing instead.</summary>
    protected override Task<bool> IsLockedOut(PortalUser user) => Task.FromResult(false);

    /// <summary>The login page's sign-in: the one <see cref="PasswordCheck"/> (throttle, equal work, audit), then the cookie or the two-factor step.</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var check = await passwords.CheckAsync(userName, password, SignInEvent.LoginPage, ClientAddress(), Context.RequestAborted);
        if (check.RetryAfter is { } wait)
        {
            return new Throttled(wait);
        }
        return check.User is null ? SignInResult.Failed : await SignInOrTwoFactorAsync(check.User, isPersistent);
    }

    /// <summary>
    /// A registered security key is a second factor as the authenticator app is: the password step then leads to the
    /// two-factor page. Identity alone counts only its token providers, which need the app's key.
    /// </summary>
    public override async Task<bool> IsTwoFactorEnabledAsync(PortalUser user) =>
        await base.IsTwoFactorEnabledAsync(user) || await securityKeys.HasAnyAsync(user.Id, Context.RequestAborted);

    /// <summary>
    /// Completes the two-factor step for the half-signed-in <paramref name="user"/> whose security key the caller has
    /// verified (<see cref="ISecurityKeys.CompleteSignInAsync"/>): as Identity's own two-factor sign-in, the
    /// half-signed-in cookie goes and the session's principal says a second factor was used.
    /// </summary>
    public async Task SecurityKeySignInAsync(PortalUser user, bool isPersistent)
    {
        ArgumentNullException.ThrowIfNull(user);
        await Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await SignInWithClaimsAsync(user, isPersistent, [new Claim("amr", "mfa")]);
    }

    public override async Task SignOutAsync()
    {
        var name = Context.User.Identity?.IsAuthenticated == true ? Context.User.Identity.Name : null;
        await base.SignOutAsync();
        if (name is not null)
        {
            await new SignInEvent(name, SignInOutcome.SignedOut, SignInEvent.LoginPage, ClientAddress()).RecordAsync(audit, CancellationToken.None);
        }
    }

    private string? ClientAddress() => Context.Connection.RemoteIpAddress?.ToString();
}
