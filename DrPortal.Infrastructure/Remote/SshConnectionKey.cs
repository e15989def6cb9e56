using DrPortal.Core.Accounts;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// Everything that decides whom a pooled SSH connection trusts and as whom it is logged in: two commands share a
/// connection only when all of it is equal, so a re-pinned host key or a new portal key never reuses an old one.
/// </summary>
internal sealed record SshConnectionKey(string Address, int Port, string User, string HostKeyAlgorithm, string HostKeyBlob,
    string PortalKeyPath, string PortalPublicKey)
{
    /// <summary>The key of a key login to the endpoint; null when no host key is pinned (such a login is refused anyway and never pooled).</summary>
    public static SshConnectionKey? For(SshEndpoint endpoint, IPortalKey portalKey)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(portalKey);
        var pinned = endpoint.PinnedHostKey;
        return pinned is null
            ? null
            : new SshConnectionKey(endpoint.Address, endpoint.Port, endpoint.User, pinned.Algorithm, Convert.ToBase64String(pinned.Blob),
                portalKey.PrivateKeyPath, portalKey.PublicKeyLine);
    }

    // The portal's public key is long and says nothing useful in a log line.
    public override string ToString() => $"{User}@{Address}:{Port} ({HostKeyAlgorithm})";
}
