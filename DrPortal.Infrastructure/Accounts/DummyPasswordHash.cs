using System.Security.Cryptography;
using DrPortal.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace DrPortal.Infrastructure.Accounts;

/// <summary>
/// A hash of a random password made once with the portal's own hasher. Verifying a typed password against it gives an
/// unknown user name the same hash work as a real one, so the answer's time does not tell which names exist.
/// </summary>
public sealed class DummyPasswordHash
{
    private static readonly PortalUser Nobody = new() { UserName = "(nobody)" };
    private string? _hash;

    /// <summary>Does a real verification's work; always false.</summary>
    public bool Verify(IPasswordHasher<PortalUser> hasher, string password)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        _hash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        _ = hasher.VerifyHashedPassword(Nobody, _hash, password);
        return false;
    }
}
