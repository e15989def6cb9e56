using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

/// <summary>
/// Security keys and passkeys (WebAuthn) as a second factor, beside the authenticator app of
/// <see cref="ITwoFactorAccounts"/>: registered on the Account page, used at the login's two-factor step. Each change
/// is audited; each use checks the signature counter (<see cref="SecurityKeyCounter"/>).
/// </summary>
public interface ISecurityKeys
{
    Task<IReadOnlyList<SecurityKeySummary>> ListAsync(string userId, CancellationToken ct);

    /// <summary>Whether the user has at least one key (then the login asks for a second factor).</summary>
    Task<bool> HasAnyAsync(string userId, CancellationToken ct);


    /// <summary>Asks the browser to create a new credential for the user; keys they hold already are excluded.</summary>
    Task<Result<SecurityKeyChallenge>> BeginRegistrationAsync(string userId, RelyingParty party, CancellationToken ct);

    /// <summary>Checks the browser's answer to <see cref="BeginRegistrationAsync"/> and stores the key under <paramref name="name"/>.</summary>
    Task<Result<SecurityKeySummary>> CompleteRegistrationAsync(string userId, string state, string? attestationJson, string? name, RelyingParty party, CancellationToken ct);

    Task<Result<SecurityKeySummary>> RemoveAsync(string userId, int keyId, CancellationToken ct);

    /// <summary>Asks the browser for a signature by one of the user's keys.</summary>
    Task<Result<SecurityKeyChallenge>> BeginSignInAsync(string userId, RelyingParty party, CancellationToken ct);

    /// <summary>
    /// Checks the browser's answer to <see cref="BeginSignInAsync"/>: the signature, the origin, the challenge and the
    /// counter; on success the key's counter and last use are saved. Invalid (field "assertion") on any failure.
    /// </summary>
    Task<Result<SecurityKeySummary>> CompleteSignInAsync(string userId, string? state, string? assertionJson, RelyingParty party, CancellationToken ct);
}
