using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Accounts;
using DrPortal.Infrastructure.Accounts.Directory;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Auth;

/// <summary>
/// Identity's sign-in manager, refusing disabled accounts, throttling guessers (<see cref="SignInThrottle"/>; Identity's
/// lockout is not used) and auditing every sign-in, failure, throttled attempt and sign-out.
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
    SignInThrottle throttle,
    DummyPasswordHash dummy)
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

    /// <summary>The login page's sign-in; the name as typed and the client address are audited, never the password.</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var address = ClientAddress();
        if (throttle.RetryAfter(userName, address) is { } wait)
        {
            await new SignInEvent(userName, SignInOutcome.Failed, SignInEvent.LoginPage, address, "throttled").RecordAsync(audit, CancellationToken.None);
            return new Throttled(wait);
        }
        await UserManager.ProvisionFromDirectoryAsync(userName, Context.RequestAborted);
        var user = await UserManager.FindByNameAsync(userName);
        SignInResult result;
        string? detail;
        // Unknown and disabled names do the same hash work as a real one: the time taken does not tell them apart.
        if (user is null)
        {
            dummy.Verify(UserManager.PasswordHasher, password);
            (result, detail) = (SignInResult.Failed, "no such user");
        }
        else if (!await CanSignInAsync(user))
        {
            await UserManager.CheckPasswordAsync(user, password);
            (result, detail) = (SignInResult.NotAllowed, "the account is disabled");
        }
        else
        {
            result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: false);
            detail = result.Succeeded ? null : result.RequiresTwoFactor ? "two-factor code needed" : "wrong password";
        }
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            throttle.RecordSuccess(userName, address);
        }
        else
        {
            throttle.RecordFailure(userName, address);
        }
        var outcome = result.Succeeded ? SignInOutcome.SignedIn : result.RequiresTwoFactor ? SignInOutcome.PasswordAccepted : SignInOutcome.Failed;
        await new SignInEvent(user?.UserName ?? userName, outcome, SignInEvent.LoginPage, address, detail).RecordAsync(audit, CancellationToken.None);
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
