using System.Security.Cryptography;
using System.Text;

namespace DrPortal.Core.Accounts;

/// <summary>A named API token of a user. Only the SHA-256 of the token is stored; the token is shown once.</summary>
public sealed class ApiToken
{
    public const string Prefix = "drp_";

    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>Hex SHA-256 of the whole token. Tokens carry 256 random bits, so a fast hash is enough.</summary>
    public string TokenHash { get; set; } = "";

    /// <summary>The first characters of the token, to recognise it in lists.</summary>
    public string Hint { get; set; } = "";

    /// <summary>The most this token may do; its owner's current role may allow less (<see cref="EffectiveRole"/>).</summary>
    public ApiTokenScope Scope { get; set; } = ApiTokenScope.ReadOnly;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From this moment the token is refused. Fixed at creation: a later, shorter policy maximum does not move it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>The role a request with this token acts with: the lower of its scope and the owner's current role.</summary>
    public static string EffectiveRole(ApiTokenScope scope, string ownerRole) =>
        Roles.Rank(RoleOf(scope)) <= Roles.Rank(ownerRole) ? RoleOf(scope) : ownerRole;

    /// <summary>The role whose rights a scope stands for.</summary>
    public static string RoleOf(ApiTokenScope scope) => scope switch
    {
        ApiTokenScope.Admin => Roles.Admin,
        ApiTokenScope.Operate => Roles.Operator,
        _ => Roles.Viewer,
    };

    /// <summary>The widest scope a holder of <paramref name="role"/> may give a token.</summary>
    public static ApiTokenScope WidestScopeFor(string role) => Roles.Rank(role) switch
    {
        2 => ApiTokenScope.Admin,
        1 => ApiTokenScope.Operate,
        _ => ApiTokenScope.ReadOnly,
    };

    /// <summary>The scope's name on the wire and in the UI: "read-only", "operate" or "admin".</summary>
    public static string ScopeName(ApiTokenScope scope) => scope switch
    {
        ApiTokenScope.Admin => "admin",
        ApiTokenScope.Operate => "operate",
        _ => "read-only",
    };

    /// <summary>Reads a scope name ("read-only", "operate", "admin"; case ignored); null when it is none of them.</summary>
    public static ApiTokenScope? ParseScope(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "read-only" or "readonly" => ApiTokenScope.ReadOnly,
        "operate" => ApiTokenScope.Operate,
        "admin" => ApiTokenScope.Admin,
        _ => null,
    };

    public static string NewToken() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
