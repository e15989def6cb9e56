namespace DrPortal.Core.Accounts;

/// <summary>
/// A security key or passkey (a WebAuthn credential) a user signs in with as their second factor. The portal keeps its
/// public key only: the private key never leaves the authenticator, so a database dump cannot pass this factor.
/// </summary>
public sealed class SecurityKey
{
    public const int NameMaxLength = 64;

    /// <summary>WebAuthn allows credential ids up to 1023 bytes.</summary>
    public const int CredentialIdMaxLength = 1023;

    public int Id { get; set; }
    public string UserId { get; set; } = "";

    /// <summary>The authenticator's id for this credential, unique across all users.</summary>
    public byte[] CredentialId { get; set; } = [];

    /// <summary>The credential's public key, COSE-encoded.</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>The authenticator's signature counter at its last use (<see cref="SecurityKeyCounter"/>).</summary>
    public uint SignatureCounter { get; set; }

    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
