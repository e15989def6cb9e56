namespace DrPortal.Core.Accounts;

/// <summary>The portal's own SSH identity (ed25519), created on first start.</summary>
public interface IPortalKey
{
    /// <summary>The OpenSSH public key line, e.g. "ssh-ed25519 AAAA... drportal@host".</summary>
    string PublicKeyLine { get; }

    /// <summary>Path of the private key file (mode 0600), for the system ssh client used by rsync.</summary>
    string PrivateKeyPath { get; }
}
