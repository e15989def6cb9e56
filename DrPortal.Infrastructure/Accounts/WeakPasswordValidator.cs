using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>Applies <see cref="PasswordRules"/> wherever Identity checks a password (first admin, new users, resets).</summary>
public sealed class WeakPasswordValidator : IPasswordValidator<PortalUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        var weakness = password is null ? null : PasswordRules.Weakness(password, user.UserName);
        return Task.FromResult(weakness is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "PasswordWeak", Description = weakness }));
    }
}
