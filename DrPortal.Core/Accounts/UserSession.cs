using System.Security.Cryptography;

namespace DrPortal.Core.Accounts;

/// <summary>
/// A browser sign-in kept on the server: the cookie carries only <see cref="Id"/>, the signed-in user's ticket stays
/// here, protected. Deleting the row ends the session.
/// </summary>
public sealed class UserSession
{
    /// <summary>The claim that carries the session's id in the principal of a request or an open page.</summary>
    public const string ClaimType = "drportal:session";

    /// <summary>256 random bits, base64url: the key the cookie carries (itself protected by the cookie's encryption).</summary>
    public string Id { get; set; } = "";

    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last request or page activity, written at most once per <see cref="SessionLifetime.LastSeenPrecision"/>.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>Sign-in plus the absolute lifetime in force then; never extended.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public string? ClientAddress { get; set; }

    /// <summary>A short description of the browser (<see cref="BrowserSummary"/>), not the whole user agent.</summary>
    public string? Browser { get; set; }

    /// <summary>The serialized sign-in ticket, encrypted with Data Protection; never stored in clear.</summary>
    public byte[] ProtectedTicket { get; set; } = [];

    public static string NewId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
