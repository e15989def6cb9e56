using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Hosts;

/// <summary>What the presented host key is, and whether it is the pinned one.</summary>
public sealed record HostKeyStatus(string Fingerprint, string Algorithm, bool Trusted, string? PinnedFingerprint);

/// <param name="HypervisorVersion">The hypervisor's versions as the host reports them ("pve-manager/8.2.4", "libvirt 9.0.0, QEMU 7.2.22").</param>
/// <param name="Error">Why the test failed, in words for every role: a closed port and a service that is no SSH server both read
/// "not reachable over SSH", so the test is no port scanner for non-admins.</param>
/// <param name="Detail">The underlying failure (refused connection, no SSH identification, ...), for admins only.</param>
public sealed record ConnectionTest(bool Ok, double LatencyMs, string? HypervisorVersion, string? Error, string? Detail = null);

/// <summary>Talking to a registered host: host-key trust, key installation, connection test, VM discovery.</summary>
public interface IHostConnections
{
    /// <summary>Connects without authenticating far enough to run anything, and reports the key the host presents.</summary>
    Task<Result<HostKeyStatus>> GetHostKeyAsync(int hypervisorId, CancellationToken ct);

    /// <summary>Pins the host's key if it presents exactly <paramref name="fingerprint"/> right now.</summary>
    Task<Result<HostKeyStatus>> TrustAsync(int hypervisorId, string fingerprint, string actor, CancellationToken ct);

    /// <summary>Logs in once with a password (never stored or logged) and appends the portal's public key to authorized_keys.</summary>
    Task<Result<bool>> InstallKeyAsync(int hypervisorId, string password, string actor, CancellationToken ct);

    Task<Result<ConnectionTest>> TestAsync(int hypervisorId, CancellationToken ct);

    Task<Result<IReadOnlyList<VmInfo>>> ListVmsAsync(int hypervisorId, CancellationToken ct);
}
