using DrPortal.Core.Common;

namespace DrPortal.Core.Accounts;

public sealed record UserSummary(string Id, string UserName, string Role, bool IsDisabled, bool IsLockedOut, DateTimeOffset CreatedAt);

/// <summary>A token as lists show it: never the secret, only its first characters (<see cref="Hint"/>).</summary>
public sealed record ApiTokenSummary(
    int Id, string Name, string Hint, ApiTokenScope Scope, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string Owner);

/// <summary>What a new token asks for: a name, a scope (null: the widest the owner's role allows) and a lifetime in days (null: the policy's default).</summary>
public sealed record ApiTokenRequest(string? Name, ApiTokenScope? Scope = null, int? LifetimeDays = null);

/// <summary>A freshly created token: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record NewApiToken(ApiTokenSummary Summary, string Token);

/// <summary>The identity behind a valid API token; <see cref="Role"/> is the token's effective role (scope capped by the owner's role).</summary>
public sealed record TokenIdentity(string UserId, string UserName, string Role, int TokenId);

/// <summary>The answer to a presented token: the identity, or why it is refused (unknown, revoked or expired).</summary>
public sealed record TokenCheck(TokenIdentity? Identity, string? Refusal)
{
    public static TokenCheck Refused(string why) => new(null, why);
}

/// <summary>People, their roles and their API tokens. Passwords and tokens are only ever stored hashed.</summary>
public interface IUserAccounts
{
    Task<bool> AnyUserAsync(CancellationToken ct);

    /// <summary>Creates the first Admin; <see cref="ResultStatus.Conflict"/> once any user exists.</summary>
    Task<Result<UserSummary>> SetupAdminAsync(string? userName, string? password, CancellationToken ct);

    Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct);

    Task<Result<UserSummary>> CreateAsync(string? userName, string? password, string? role, string actor, CancellationToken ct);

    /// <summary>Changes role and enabled state. An admin cannot demote or disable the last enabled admin.</summary>
    /// <summary>Changes the role and the disabled state; a null <paramref name="role"/> or <paramref name="disabled"/> keeps the current one.</summary>
    Task<Result<UserSummary>> UpdateAsync(string userId, string? role, bool? disabled, string actor, CancellationToken ct);

    Task<Result<UserSummary>> ResetPasswordAsync(string userId, string? newPassword, string actor, CancellationToken ct);

    /// <summary>Changes the user's own password; every other session of theirs ends, <paramref name="keepSessionId"/> (the one asking) stays.</summary>
    Task<Result<UserSummary>> ChangeOwnPasswordAsync(string userId, string? currentPassword, string? newPassword, string? keepSessionId, CancellationToken ct);

    Task<IReadOnlyList<ApiTokenSummary>> ListTokensAsync(string userId, CancellationToken ct);

    /// <summary>Every user's tokens, for admins.</summary>
    Task<IReadOnlyList<ApiTokenSummary>> ListAllTokensAsync(CancellationToken ct);

    /// <summary>
    /// Creates a token of <paramref name="userId"/>. A scope above the owner's role is refused (field <c>scope</c>), a
    /// lifetime above the policy's maximum too (field <c>lifetimeDays</c>).
    /// </summary>
    Task<Result<NewApiToken>> CreateTokenAsync(string userId, ApiTokenRequest request, string actor, CancellationToken ct);

    /// <summary>Revokes a token of <paramref name="userId"/>; admins may revoke anyone's (<paramref name="anyUser"/>).</summary>
    Task<Result<ApiTokenSummary>> RevokeTokenAsync(string userId, int tokenId, bool anyUser, string actor, CancellationToken ct);

    /// <summary>Checks a presented token; an expired one is refused with a reason saying so.</summary>
    Task<TokenCheck> AuthenticateTokenAsync(string token, CancellationToken ct);
}
