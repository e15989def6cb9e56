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
    PasswordCheck passwords)
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
