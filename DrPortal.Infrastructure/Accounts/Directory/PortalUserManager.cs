using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>
/// Identity's user manager, with directory users: a directory user is a local shadow account linked by an external login
/// ("ldap", keyed by the directory's id of the user) that has no local password. Their password is checked by binding to
/// the directory, and their role follows their directory groups at every sign-in.
/// </summary>
public sealed class PortalUserManager(
    IUserStore<PortalUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<PortalUser> passwordHasher,
    IEnumerable<IUserValidator<PortalUser>> userValidators,
    IEnumerable<IPasswordValidator<PortalUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<PortalUser>> logger,
    LdapDirectory directory,
    IAuditLog audit,
    IClock clock)
    : UserManager<PortalUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public const string LoginProvider = "ldap";
    private const string DirectoryActor = "directory";
    private const string UserEntity = "User";

    /// <summary>
    /// Runs before the sign-in looks the name up: an unknown local name that the directory knows, in a mapped group, gets its
    /// shadow account. No password is checked here; that happens in <see cref="CheckPasswordAsync"/>, inside the normal
    /// sign-in path with its lockout and throttling. A local account of that name always wins (break-glass access).
    /// </summary>
    public async Task ProvisionFromDirectoryAsync(string? userName, CancellationToken ct)
    {
        if (!directory.IsEnabled || string.IsNullOrWhiteSpace(userName) || await FindByNameAsync(userName.Trim()) is not null)
        {
            return;
        }
        var name = userName.Trim();
        var entry = await directory.FindUserAsync(name, ct);
        if (entry is null || directory.Options.RoleFor(entry.Groups) is not { } role || await FindByLoginAsync(LoginProvider, entry.Key) is not null)
        {
            return;
        }
        var user = new PortalUser { UserName = name, CreatedAt = clock.UtcNow, LockoutEnabled = true };
        // A name that local accounts may not have, or a second sign-in racing this one: no account, the sign-in fails as unknown.
        if (!(await CreateAsync(user)).Succeeded)
        {
            return;
        }
        var linked = await AddLoginAsync(user, new UserLoginInfo(LoginProvider, entry.Key, "Directory"));
        if (!linked.Succeeded)
        {
            await DeleteAsync(user);
            return;
        }
        await AddToRoleAsync(user, role);
        await audit.RecordAsync(DirectoryActor, "create", UserEntity, name, $"Created directory user {name} as {role}", null,
            new { UserName = name, Role = role, Source = "directory" }, ct);
    }

    /// <summary>True when the user signs in through the directory.</summary>
    public async Task<bool> IsDirectoryUserAsync(PortalUser user) => await DirectoryKeyAsync(user) is not null;

    /// <summary>Local users: the local hash. Directory users: a bind as their DN, then their role is brought in line with their groups;
    /// a user in no mapped group is refused like a wrong password.</summary>
    public override async Task<bool> CheckPasswordAsync(PortalUser user, string password)
    {
        var key = await DirectoryKeyAsync(user);
        if (key is null)
        {
            return await base.CheckPasswordAsync(user, password);
        }
        if (!directory.IsEnabled)
        {
            return false;
        }
        var entry = await directory.FindUserAsync(user.UserName!, CancellationToken);
        // The same name now belonging to another directory entry is another person.
        if (entry is null || entry.Key != key || !await directory.VerifyPasswordAsync(entry.Dn, password, CancellationToken))
        {
            return false;
        }
        var role = directory.Options.RoleFor(entry.Groups);
        await FollowDirectoryRoleAsync(user, role);
        return role is not null;
    }

    public override async Task<IdentityResult> AddPasswordAsync(PortalUser user, string password) =>
        await IsDirectoryUserAsync(user) ? DirectoryPassword(user) : await base.AddPasswordAsync(user, password);

    public override async Task<IdentityResult> ChangePasswordAsync(PortalUser user, string currentPassword, string newPassword) =>
        await IsDirectoryUserAsync(user) ? DirectoryPassword(user) : await base.ChangePasswordAsync(user, currentPassword, newPassword);

    public override async Task<IdentityResult> ResetPasswordAsync(PortalUser user, string token, string newPassword) =>
        await IsDirectoryUserAsync(user) ? DirectoryPassword(user) : await base.ResetPasswordAsync(user, token, newPassword);

    private async Task FollowDirectoryRoleAsync(PortalUser user, string? role)
    {
        var current = await GetRolesAsync(user);
        if (role is not null && current.Count == 1 && current[0] == role)
        {
            return;
        }
        var before = current.FirstOrDefault();
        await RemoveFromRolesAsync(user, current);
        if (role is not null)
        {
            await AddToRoleAsync(user, role);
        }
        // A new stamp ends the user's other sessions, so the new role applies everywhere.
        await UpdateSecurityStampAsync(user);
        await audit.RecordAsync(DirectoryActor, "update", UserEntity, user.UserName,
            role is null ? $"Directory user {user.UserName} is in no mapped group: role removed" : $"Directory user {user.UserName} now {role} (directory groups)",
            new { user.UserName, Role = before }, new { user.UserName, Role = role }, CancellationToken.None);
    }

    private async Task<string?> DirectoryKeyAsync(PortalUser user) =>
        (await GetLoginsAsync(user)).FirstOrDefault(l => l.LoginProvider == LoginProvider)?.ProviderKey;

    private static IdentityResult DirectoryPassword(PortalUser user) => IdentityResult.Failed(new IdentityError
    {
        Code = "DirectoryUser",
        Description = $"{user.UserName} signs in through the directory; their password is kept there.",
    });
}
