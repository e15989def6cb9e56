using DrPortal.Core.Hosts;

namespace DrPortal.Core.Remote;

/// <summary>Runs commands on hosts over SSH with the portal's key, refusing any host whose key is not the pinned one.</summary>
public interface IRemoteShell
{
    /// <param name="onOutputLine">Called for each stdout line as it arrives (progress parsing), if given.</param>
    /// <exception cref="HostKeyMismatchException">The host's key is not the pinned one.</exception>
    /// <exception cref="RemoteConnectionException">The host cannot be reached or refused the login.</exception>
    Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null);

    /// <summary>Learns the key a host presents, without logging in.</summary>
    Task<HostKey> ProbeHostKeyAsync(string address, int port, CancellationToken ct);

    /// <summary>Logs in once with a password (the host key must be pinned) and runs one command.</summary>
    Task<RemoteResult> RunWithPasswordAsync(SshEndpoint endpoint, string password, RemoteCommand command, CancellationToken ct);
}
