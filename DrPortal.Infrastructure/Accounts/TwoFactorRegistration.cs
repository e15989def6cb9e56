using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DrPortal.Infrastructure.Accounts;

public static class TwoFactorRegistration
{
    /// <summary>Two-factor accounts, and Identity's user store swapped for one that encrypts second-factor secrets.</summary>
    /// <remarks>Call after Identity's AddEntityFrameworkStores, whose store this replaces.</remarks>
    public static IServiceCollection AddTwoFactorAccounts(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Scoped<IUserStore<PortalUser>, TwoFactorUserStore>());
        services.AddSingleton<ITwoFactorAccounts, TwoFactorAccounts>();
        services.AddSingleton<ISecurityKeys, SecurityKeys>();
        return services;
    }
}
