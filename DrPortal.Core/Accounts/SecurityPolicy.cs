namespace DrPortal.Core.Accounts;

/// <summary>
/// The portal-wide sign-in and token rules an admin sets: how long API tokens live, which roles must use two-factor
/// sign-in, and how long a browser session lasts idle and at most.
/// </summary>
/// <param name="TokenDefaultLifetime">The lifetime of a new API token when its creator names none.</param>
/// <param name="TokenMaximumLifetime">The longest lifetime any API token may have.</param>
/// <param name="TwoFactorRequiredRoles">Roles whose users must enrol two-factor sign-in before they reach the portal.</param>
/// <param name="SessionIdleTimeout">A browser session unused this long ends.</param>
/// <param name="SessionAbsoluteLifetime">A browser session ends this long after sign-in, used or not.</param>
public sealed record SecurityPolicy(
    TimeSpan TokenDefaultLifetime,
    TimeSpan TokenMaximumLifetime,
    IReadOnlyList<string> TwoFactorRequiredRoles,
    TimeSpan SessionIdleTimeout,
    TimeSpan SessionAbsoluteLifetime)
{
    /// <summary>What a new portal starts with: 90-day tokens (at most a year), no role forced to two-factor, 8 h idle, 7 days at most.</summary>
    public static SecurityPolicy Default { get; } = new(
        TimeSpan.FromDays(90), TimeSpan.FromDays(365), [], TimeSpan.FromHours(8), TimeSpan.FromDays(7));

    /// <summary>Whether a user holding <paramref name="role"/> must sign in with a second factor.</summary>
    public bool RequiresTwoFactor(string? role) =>
        role is not null && TwoFactorRequiredRoles.Contains(role, StringComparer.Ordinal);
}
