using DrPortal.Infrastructure.Accounts;

namespace DrPortal.Web.Auth;

internal static class TwoFactorSetup
{
    /// <summary>Two-factor sign-in: accounts (with encrypted secrets), the per-user count of wrong codes and the enrolment rule per role.</summary>
    public static IServiceCollection AddPortalTwoFactor(this IServiceCollection services)
    {
        services.AddTwoFactorAccounts();
        services.AddSingleton<TwoFactorAttempts>();
        services.AddSingleton<TwoFactorEnrolment>();
        return services;
    }
}
