using DrPortal.Infrastructure.Accounts;

namespace DrPortal.Web.Auth;

internal static class TwoFactorSetup
{
    /// <summary>Two-factor sign-in: accounts (with encrypted secrets) and the per-user count of wrong codes.</summary>
    public static IServiceCollection AddPortalTwoFactor(this IServiceCollection services)
    {
        services.AddTwoFactorAccounts();
        services.AddSingleton<TwoFactorAttempts>();
        return services;
    }
}
