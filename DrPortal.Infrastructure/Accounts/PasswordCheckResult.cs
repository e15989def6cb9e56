using DrPortal.Infrastructure.Persistence;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// How a <see cref="PasswordCheck"/> ended: the user and their role when the password was right; otherwise nothing, and
/// when the client was throttled, how long it must wait.
/// </summary>
public sealed record PasswordCheckResult(PortalUser? User, string? Role, TimeSpan? RetryAfter)
{
    public static PasswordCheckResult Refused { get; } = new(null, null, null);

    public bool Succeeded => User is not null;
}
