using System.Net.Sockets;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DrPortal.Infrastructure.Remote;

/// <summary>SSH.NET behind <see cref="IRemoteShell"/>: key login, pinned host keys, cancellation, streamed output.</summary>
internal sealed class SshNetRemoteShell(IPortalKey portalKey, ILogger<SshNetRemoteShell> logger) : IRemoteShell
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public async Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null)
    {
        using var key = new PrivateKeyFile(portalKey.PrivateKeyPath);
        var info = new ConnectionInfo(endpoint.Address, endpoint.Port, endpoint.User, new PrivateKeyAuthenticationMethod(endpoint.User, key));
        return await RunAsync(info, endpoint, command, onOutputLine, ct);
    }

    public async Task<RemoteResult> RunWithPasswordAsync(SshEndpoint endpoint, string password, RemoteCommand command, CancellationToken ct)
    {
        var info = new ConnectionInfo(endpoint.Address, endpoint.Port, endpoint.User,
            new PasswordAuthenticationMethod(endpoint.User, password),
            new KeyboardInteractiveAuthenticationMethod(endpoint.User));
        if (info.AuthenticationMethods[1] is KeyboardInteractiveAuthenticationMethod interactive)
        {
            interactive.AuthenticationPrompt += (_, e) =>
            {
                foreach (var prompt in e.Prompts)
                {
                    prompt.Response = password;
                }
            };
        }
        return await RunAsync(info, endpoint, command, null, ct);
    }

    public async Task<HostKey> ProbeHostKeyAsync(string address, int port, CancellationToken ct)
    {
        HostKey? presented = null;
        // No authentication method is needed: the key exchange, where the host shows its key, comes first.
        var info = new ConnectionInfo(address, port, "drportal-probe", new NoneAuthenticationMethod("drportal-probe")) { Timeout = ConnectTimeout };
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            presented = new HostKey(e.HostKeyName, e.HostKey);
            e.CanTrust = false;
        };
        try
        {
            await client.ConnectAsync(ct);
        }
        catch (Exception ex) when (presented is not null && ex is not OperationCanceledException)
        {
            // Expected: we refused the key on purpose, after having seen it.
        }
        catch (Exception ex) when (ex is SocketException or SshException or TimeoutException or SshOperationTimeoutException)
        {
            throw new RemoteConnectionException($"Cannot reach {address}:{port}: {ex.Message}", ex);
        }
        return presented ?? throw new RemoteConnectionException($"{address}:{port} did not present a host key.");
    }

    private async Task<RemoteResult> RunAsync(ConnectionInfo info, SshEndpoint endpoint, RemoteCommand command, Action<string>? onOutputLine, CancellationToken ct)
    {
        info.Timeout = ConnectTimeout;
        var pinned = endpoint.PinnedHostKey;
        if (pinned is not null && info.HostKeyAlgorithms.ContainsKey(pinned.Algorithm))
        {
            // Ask only for the pinned key type so a host with several keys always shows the one we know.
            foreach (var other in info.HostKeyAlgorithms.Keys.Where(k => k != pinned.Algorithm).ToList())
            {
                info.HostKeyAlgorithms.Remove(other);
            }
        }
        HostKey? presented = null;
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            presented = new HostKey(e.HostKeyName, e.HostKey);
            e.CanTrust = pinned is not null && pinned.Algorithm == e.HostKeyName && pinned.Blob.AsSpan().SequenceEqual(e.HostKey);
        };
        try
        {
            await client.ConnectAsync(ct);
        }
        catch (SshConnectionException) when (presented is not null && (pinned is null || presented.Fingerprint != pinned.Fingerprint))
        {
            logger.LogWarning("Refused {Address}:{Port}: host key {Presented} is not the pinned {Pinned}", endpoint.Address, endpoint.Port, presented.Fingerprint, pinned?.Fingerprint ?? "(none)");
            throw new HostKeyMismatchException(endpoint.Address, presented.Fingerprint, pinned?.Fingerprint);
        }
        catch (SshAuthenticationException ex)
        {
            throw new RemoteConnectionException($"{endpoint.User}@{endpoint.Address} refused the login: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or SshException or TimeoutException)
        {
            throw new RemoteConnectionException($"Cannot reach {endpoint.Address}:{endpoint.Port}: {ex.Message}", ex);
        }

        var line = ShellQuoting.ToShellLine(command);
        using var cmd = client.CreateCommand(line);
        // The command's own run time, without the connection: what the bench's P5 (portal overhead) subtracts.
        var running = System.Diagnostics.Stopwatch.StartNew();
        var execution = cmd.ExecuteAsync(ct);
        var stdout = new System.Text.StringBuilder();
        using (var reader = new StreamReader(cmd.OutputStream))
        {
            while (await reader.ReadLineAsync(ct) is { } outputLine)
            {
                stdout.Append(outputLine).Append('\n');
                onOutputLine?.Invoke(outputLine);
            }
        }
        await execution;
        logger.LogDebug("Host command {Program} on {Address} ran {Milliseconds} ms (exit {Exit})",
            command.Program, endpoint.Address, running.ElapsedMilliseconds, cmd.ExitStatus);
        var stderr = cmd.Error;
        client.Disconnect();
        // A command killed by a signal has no exit status; treat it as the shell would (128 + n is unknown here).
        return new RemoteResult(cmd.ExitStatus ?? 255, stdout.ToString(), stderr);
    }
}
