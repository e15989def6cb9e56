using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Accounts.Directory;

/// <summary>Wires directory sign-in into Identity, and the one call the sign-in paths make before looking a name up.</summary>
public static class DirectorySignIn
{
    /// <summary>Registers <see cref="PortalUserManager"/> and the directory client, with the "DrPortal:Ldap" settings checked at start.</summary>
    public static IdentityBuilder AddDirectorySignIn(this IdentityBuilder identity)
    {
        identity.Services.AddOptions<LdapOptions>().BindConfiguration(LdapOptions.Section).ValidateOnStart();
        identity.Services.AddSingleton<IValidateOptions<LdapOptions>, LdapOptionsValidator>();
        identity.Services.AddSingleton<LdapDirectory>();
        return identity.AddUserManager<PortalUserManager>();
    }

    /// <summary>Gives an unknown local name that the directory knows its shadow account (see <see cref="PortalUserManager.ProvisionFromDirectoryAsync"/>).</summary>
    public static Task ProvisionFromDirectoryAsync(this UserManager<PortalUser> users, string? userName, CancellationToken ct) =>
        users is PortalUserManager portal ? portal.ProvisionFromDirectoryAsync(userName, ct) : Task.CompletedTask;
}
