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

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public static string NewToken() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
