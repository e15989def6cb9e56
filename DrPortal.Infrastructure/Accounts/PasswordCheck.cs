using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Accounts.Directory;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// The one check of a user name and password, behind the login page, API token creation and directory sign-in: the
/// client's throttle first (<see cref="SignInThrottle"/>), then the directory's shadow account for a name only the
/// directory knows, then the password (a bind for directory users). Unknown and disabled names do the same hash work as
/// a real one (<see cref="DummyPasswordHash"/>), so the time taken does not tell them apart. Every attempt is audited
/// with the name as typed, the door it came through and the client address; the password never is.
/// </summary>
public sealed class PasswordCheck(UserManager<PortalUser> users, SignInThrottle throttle, DummyPasswordHash dummy, IAuditLog audit, ISecurityKeys securityKeys)
{
    /// <summary>The words for every refusal but throttling: the same for unknown, wrong and disabled names.</summary>
    public const string Refusal = "User name or password is wrong, or the account is disabled.";

    /// <param name="via">The door, as <see cref="SignInEvent.Via"/> names it (<see cref="SignInEvent.LoginPage"/>, <see cref="SignInEvent.TokenCreation"/>).</param>
    public async Task<PasswordCheckResult> CheckAsync(string userName, string password, string via, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var typed = userName.Trim();
        if (throttle.RetryAfter(typed, clientAddress) is { } wait)
        {
            await new SignInEvent(typed, SignInOutcome.Failed, via, clientAddress, "throttled").RecordAsync(audit, CancellationToken.None);
            return new PasswordCheckResult(null, null, wait);
        }
        await users.ProvisionFromDirectoryAsync(typed, ct);
        var user = await users.FindByNameAsync(typed);
        var passwordOk = user is null ? dummy.Verify(users.PasswordHasher, password) : await users.CheckPasswordAsync(user, password);
        var refusal = user is null ? "no such user" : user.IsDisabled ? "the account is disabled" : passwordOk ? null : "wrong password";
        if (refusal is not null)
        {
            throttle.RecordFailure(typed, clientAddress);
            await new SignInEvent(user?.UserName ?? typed, SignInOutcome.Failed, via, clientAddress, refusal).RecordAsync(audit, CancellationToken.None);
            return PasswordCheckResult.Refused;
        }
        throttle.RecordSuccess(typed, clientAddress);
        // With two-factor on, this is only the first step; the second is audited where the code is checked.
        var secondFactor = user!.TwoFactorEnabled || await securityKeys.HasAnyAsync(user.Id, ct);
        var outcome = secondFactor ? SignInOutcome.PasswordAccepted : SignInOutcome.SignedIn;
        await new SignInEvent(user.UserName!, outcome, via, clientAddress).RecordAsync(audit, CancellationToken.None);
        return new PasswordCheckResult(user, (await users.GetRolesAsync(user)).FirstOrDefault(), null);
    }
}
