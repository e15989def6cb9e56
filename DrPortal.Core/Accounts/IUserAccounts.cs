using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

public sealed record UserSummary(string Id, string UserName, string Role, bool IsDisabled, bool IsLockedOut, DateTimeOffset CreatedAt);

public sealed record ApiTokenSummary(int Id, string Name, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A freshly created token: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record NewApiToken(ApiTokenSummary Summary, string Token);

/// <summary>The identity behind a valid API token.</summary>
public sealed record TokenIdentity(string UserId, string UserName, string Role, int TokenId);

/// <summary>People, their roles and their API tokens. Passwords and tokens are only ever stored hashed.</summary>
public interface IUserAccounts
{
    Task<bool> AnyUserAsync(CancellationToken ct);

    /// <summary>Creates the first Admin; <see cref="ResultStatus.Conflict"/> once any user exists.</summary>
    Task<Result<UserSummary>> SetupAdminAsync(string? userName, string? password, CancellationToken ct);

    Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct);

    Task<Result<UserSummary>> CreateAsync(string? userName, string? password, string? role, string actor, CancellationToken ct);

    /// <summary>Changes role and enabled state. An admin cannot demote or disable the last enabled admin.</summary>
    Task<Result<UserSummary>> UpdateAsync(string userId, string? role, bool disabled, string actor, CancellationToken ct);

    Task<Result<UserSummary>> ResetPasswordAsync(string userId, string? newPassword, string actor, CancellationToken ct);

    /// <summary>Changes the user's own password; every other session of theirs ends, <paramref name="keepSessionId"/> (the one asking) stays.</summary>
    Task<Result<UserSummary>> ChangeOwnPasswordAsync(string userId, string? currentPassword, string? newPassword, string? keepSessionId, CancellationToken ct);

    /// <summary>
    /// Checks a user name and password (counting failures toward lockout) for token creation; every attempt is audited
    /// with the name and <paramref name="clientAddress"/>.
    /// </summary>
    Task<Result<UserSummary>> CheckPasswordAsync(string? userName, string? password, string? clientAddress, CancellationToken ct);

    Task<IReadOnlyList<ApiTokenSummary>> ListTokensAsync(string userId, CancellationToken ct);

    Task<Result<NewApiToken>> CreateTokenAsync(string userId, string? name, string actor, CancellationToken ct);

    /// <summary>Revokes a token of <paramref name="userId"/>; admins may revoke anyone's (<paramref name="anyUser"/>).</summary>
    Task<Result<ApiTokenSummary>> RevokeTokenAsync(string userId, int tokenId, bool anyUser, string actor, CancellationToken ct);

    Task<TokenIdentity?> AuthenticateTokenAsync(string token, CancellationToken ct);
}
