using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Auth;

/// <summary>Identity's sign-in manager, refusing disabled accounts and auditing every sign-in, failure, lockout and sign-out.</summary>
internal sealed class PortalSignInManager(
    UserManager<PortalUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PortalUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PortalUser> confirmation,
    IAuditLog audit)
    : SignInManager<PortalUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(PortalUser user) =>
        !user.IsDisabled && await base.CanSignInAsync(user);

    /// <summary>The login page's sign-in; the name as typed and the client address are audited, never the password.</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        var wasLocked = user is not null && await UserManager.IsLockedOutAsync(user);
        var result = await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        var (outcome, detail) = result switch
        {
            { Succeeded: true } => (SignInOutcome.SignedIn, (string?)null),
            { RequiresTwoFactor: true } => (SignInOutcome.PasswordAccepted, "two-factor code needed"),
            { IsLockedOut: true } when !wasLocked => (SignInOutcome.LockedOut, "wrong password"),
            { IsLockedOut: true } => (SignInOutcome.Failed, "the account is locked"),
            { IsNotAllowed: true } => (SignInOutcome.Failed, "the account is disabled"),
            _ when user is null => (SignInOutcome.Failed, "no such user"),
            _ => (SignInOutcome.Failed, "wrong password"),
        };
        await new SignInEvent(user?.UserName ?? userName, outcome, SignInEvent.LoginPage, ClientAddress(), detail).RecordAsync(audit, CancellationToken.None);
        return result;
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
