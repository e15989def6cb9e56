using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// Identity's EF user store, except that the authenticator key and the recovery codes are encrypted with the portal's
/// data-protection keys (in the data directory) before they reach AspNetUserTokens: Identity itself stores both in
/// clear, and a database dump must not be enough to pass someone's second factor.
/// </summary>
internal sealed class TwoFactorUserStore(DrPortalDbContext context, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserStore<PortalUser, IdentityRole, DrPortalDbContext, string>(context, describer)
{
    // Identity's own names for the two values (UserStoreBase's InternalLoginProvider and token names).
    internal const string InternalLoginProvider = "[AspNetUserStore]";
    internal const string AuthenticatorKeyName = "AuthenticatorKey";
    internal const string RecoveryCodesName = "RecoveryCodes";

    private readonly IDataProtector _protector = protection.CreateProtector("DrPortal.TwoFactorSecrets");

    public override Task SetTokenAsync(PortalUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, IsSecret(loginProvider, name) && value is not null ? _protector.Protect(value) : value, cancellationToken);

    public override async Task<string?> GetTokenAsync(PortalUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        // A value that cannot be decrypted (lost data-protection keys) throws: reading it as "no key" would let the
        // password alone sign in. An administrator resets two-factor for such a user.
        return IsSecret(loginProvider, name) && stored is not null ? _protector.Unprotect(stored) : stored;
    }

    private static bool IsSecret(string loginProvider, string name) =>
        loginProvider == InternalLoginProvider && name is AuthenticatorKeyName or RecoveryCodesName;
}
