using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

/// <summary>
/// Two-factor sign-in with a TOTP authenticator app (RFC 6238) and single-use recovery codes. Keys and codes are kept
/// encrypted; every change is audited.
/// </summary>
public interface ITwoFactorAccounts
{
    Task<TwoFactorStatus> GetStatusAsync(string userId, CancellationToken ct);

    /// <summary>Ids of the users who have two-factor sign-in on (for lists of users).</summary>
    Task<IReadOnlySet<string>> EnabledUserIdsAsync(CancellationToken ct);

    /// <summary>Makes a fresh authenticator key; it takes effect only once <see cref="EnableAsync"/> confirms a code from it.</summary>
    Task<Result<AuthenticatorSetup>> BeginSetupAsync(string userId, CancellationToken ct);

    /// <summary>Confirms a code from the new key, turns two-factor on and returns the recovery codes (shown once).</summary>
    Task<Result<IReadOnlyList<string>>> EnableAsync(string userId, string? code, CancellationToken ct);

    /// <summary>Replaces all recovery codes with new ones (shown once); the old ones stop working.</summary>
    Task<Result<IReadOnlyList<string>>> RegenerateRecoveryCodesAsync(string userId, CancellationToken ct);

    /// <summary>The user turns two-factor off, proving it with a current authenticator code or their password.</summary>
    Task<Result<TwoFactorStatus>> DisableAsync(string userId, string? codeOrPassword, CancellationToken ct);

    /// <summary>An administrator turns two-factor off for a user who lost their authenticator.</summary>
    Task<Result<TwoFactorStatus>> ResetAsync(string userId, string actor, CancellationToken ct);

    /// <summary>
    /// Checks a second factor outside the login page (API token creation): a current authenticator code, or a recovery
    /// code, which is used up by a successful check.
    /// </summary>
    Task<bool> CheckSecondFactorAsync(string userId, string? code, CancellationToken ct);
}
