namespace DrPortal.Infrastructure.Persistence;

/// <summary>
/// The one stored <see cref="Core.Accounts.SecurityPolicy"/> (id 1; no row means the default). Durations are kept in
/// seconds: MariaDB's TIME, where a TimeSpan would go, ends at 838 hours.
/// </summary>
public sealed class SecurityPolicyRow
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public long TokenDefaultLifetimeSeconds { get; set; }
    public long TokenMaximumLifetimeSeconds { get; set; }

    /// <summary>Role names joined with ','; role names contain no comma.</summary>
    public string TwoFactorRequiredRoles { get; set; } = "";

    public long SessionIdleTimeoutSeconds { get; set; }
    public long SessionAbsoluteLifetimeSeconds { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public Core.Accounts.SecurityPolicy ToPolicy() => new(
        TimeSpan.FromSeconds(TokenDefaultLifetimeSeconds),
        TimeSpan.FromSeconds(TokenMaximumLifetimeSeconds),
        TwoFactorRequiredRoles.Split(',', StringSplitOptions.RemoveEmptyEntries),
        TimeSpan.FromSeconds(SessionIdleTimeoutSeconds),
        TimeSpan.FromSeconds(SessionAbsoluteLifetimeSeconds));

    public void CopyFrom(Core.Accounts.SecurityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        TokenDefaultLifetimeSeconds = (long)policy.TokenDefaultLifetime.TotalSeconds;
        TokenMaximumLifetimeSeconds = (long)policy.TokenMaximumLifetime.TotalSeconds;
        TwoFactorRequiredRoles = string.Join(',', policy.TwoFactorRequiredRoles.Distinct(StringComparer.Ordinal));
        SessionIdleTimeoutSeconds = (long)policy.SessionIdleTimeout.TotalSeconds;
        SessionAbsoluteLifetimeSeconds = (long)policy.SessionAbsoluteLifetime.TotalSeconds;
    }
}
