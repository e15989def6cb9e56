using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// SSH.NET behind <see cref="IRemoteShell"/>: key login, pinned host keys, cancellation, streamed output. Key logins are
/// kept in a <see cref="SshConnectionPool{TClient}"/> so a task's many commands to one host share one logged-in connection;
/// password logins and host-key probes always use a connection of their own.
/// </summary>
internal sealed class SshNetRemoteShell : IRemoteShell, IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Keep-alives on pooled connections, so one whose socket died is noticed while it waits.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    /// <summary>A retry on a fresh connection gets what is left of <see cref="ConnectTimeout"/>, and is not tried with less than this.</summary>
    internal static readonly TimeSpan MinimumRetryBudget = TimeSpan.FromSeconds(2);

    private readonly IPortalKey _portalKey;
    private readonly ILogger<SshNetRemoteShell> _logger;

    public SshNetRemoteShell(IPortalKey portalKey, IOptions<DrPortalOptions> options, ILogger<SshNetRemoteShell> logger)
    {
        _portalKey = portalKey;
        _logger = logger;
        var idle = options.Value.SshIdleSeconds;
        if (idle <= 0)
        {
            throw new InvalidOperationException($"{DrPortalOptions.Section}:SshIdleSeconds must be a positive number of seconds, not {idle}.");
        }
        Pool = new SshConnectionPool<SshClient>(c => c.IsConnected, TimeSpan.FromSeconds(idle), TimeProvider.System);
    }

    internal SshConnectionPool<SshClient> Pool { get; }

    public async Task<RemoteResult> RunAsync(SshEndpoint endpoint, RemoteCommand command, CancellationToken ct, Action<string>? onOutputLine = null)
    {
        var key = SshConnectionKey.For(endpoint, _portalKey);
        if (key is null)
        {
            // No pinned key: the login below is refused with the key the host showed; nothing worth keeping.
            using var privateKey = new PrivateKeyFile(_portalKey.PrivateKeyPath);
            return await RunOnceAsync(KeyLogin(endpoint, privateKey), endpoint, command, onOutputLine, ct);
        }

        var started = Stopwatch.StartNew();
        using (var lease = await Pool.AcquireAsync(key, c => ConnectWithKeyAsync(endpoint, ConnectTimeout, c), fresh: false, ct))
        {
            try
            {
                return await ExecuteAsync(lease.Client, endpoint, command, onOutputLine, ct);
            }
            catch (CommandNotStartedException ex) when (lease.Reused)
            {
                lease.Discard();
                if (!MayRetryOnFreshConnection(lease.Reused, started.Elapsed))
                {
                    throw Unreachable(endpoint, ex.InnerException!);
                }
                _logger.LogDebug("The kept connection to {Address}:{Port} failed before {Program} reached it ({Error}); connecting again",
                    endpoint.Address, endpoint.Port, command.Program, ex.InnerException!.Message);
            }
            catch (CommandNotStartedException ex)
            {
                lease.Discard();
                throw Rethrow(ex.InnerException!);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !lease.Client.IsConnected)
            {
                lease.Discard();
                throw;
            }
        }

        var budget = ConnectTimeout - started.Elapsed;
        using var retry = await Pool.AcquireAsync(key, c => ConnectWithKeyAsync(endpoint, budget, c), fresh: true, ct);
        try
        {
            return await ExecuteAsync(retry.Client, endpoint, command, onOutputLine, ct);
        }
        catch (CommandNotStartedException ex)
        {
            retry.Discard();
            throw Rethrow(ex.InnerException!);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !retry.Client.IsConnected)
        {
            retry.Discard();
            throw;
        }
    }

    /// <summary>
    /// The one rule for running a command again: only on a connection kept from earlier (a fresh one failing says the
    /// host is the problem), only when the command provably never reached the host (<see cref="CommandNotStartedException"/>),
    /// and only with enough of the connect timeout left, so a cut link fails within the same time as without the pool.
    /// </summary>
    internal static bool MayRetryOnFreshConnection(bool reusedConnection, TimeSpan elapsed) =>
        reusedConnection && ConnectTimeout - elapsed >= MinimumRetryBudget;

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
        return await RunOnceAsync(info, endpoint, command, null, ct);
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

    /// <summary>Logs in on a connection of its own (password logins), runs the command, and closes the connection.</summary>
    private async Task<RemoteResult> RunOnceAsync(ConnectionInfo info, SshEndpoint endpoint, RemoteCommand command, Action<string>? onOutputLine,
        CancellationToken ct)
    {
        using var client = await ConnectAsync(info, endpoint, ConnectTimeout, ct);
        try
        {
            return await ExecuteAsync(client, endpoint, command, onOutputLine, ct);
        }
        catch (CommandNotStartedException ex)
        {
            throw Rethrow(ex.InnerException!);
        }
    }

    private async Task<SshClient> ConnectWithKeyAsync(SshEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        using var privateKey = new PrivateKeyFile(_portalKey.PrivateKeyPath);
        var client = await ConnectAsync(KeyLogin(endpoint, privateKey), endpoint, timeout, ct);
        client.KeepAliveInterval = KeepAlive;
        return client;
    }

    private static ConnectionInfo KeyLogin(SshEndpoint endpoint, PrivateKeyFile privateKey) =>
        new(endpoint.Address, endpoint.Port, endpoint.User, new PrivateKeyAuthenticationMethod(endpoint.User, privateKey));

    /// <summary>Connects and logs in, refusing any host key but the pinned one; the caller owns the returned client.</summary>
    private async Task<SshClient> ConnectAsync(ConnectionInfo info, SshEndpoint endpoint, TimeSpan timeout, CancellationToken ct)
    {
        info.Timeout = timeout;
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
        var client = new SshClient(info);
        client.HostKeyReceived += (_, e) =>
        {
            presented = new HostKey(e.HostKeyName, e.HostKey);
            e.CanTrust = pinned is not null && pinned.Algorithm == e.HostKeyName && pinned.Blob.AsSpan().SequenceEqual(e.HostKey);
        };
        try
        {
            await client.ConnectAsync(ct);
            // Later channel opens and exec replies wait this long, as they did when every command had its own connection.
            info.Timeout = ConnectTimeout;
            return client;
        }
        catch (SshConnectionException) when (presented is not null && (pinned is null || presented.Fingerprint != pinned.Fingerprint))
        {
            client.Dispose();
            _logger.LogWarning("Refused {Address}:{Port}: host key {Presented} is not the pinned {Pinned}", endpoint.Address, endpoint.Port, presented.Fingerprint, pinned?.Fingerprint ?? "(none)");
            throw new HostKeyMismatchException(endpoint.Address, presented.Fingerprint, pinned?.Fingerprint);
        }
        catch (SshAuthenticationException ex)
        {
            client.Dispose();
            throw new RemoteConnectionException($"{endpoint.User}@{endpoint.Address} refused the login: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is SocketException or SshException or TimeoutException)
        {
            client.Dispose();
            throw Unreachable(endpoint, ex);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Throws the SSH.NET failure as it was, with its own stack; typed to be used as <c>throw Rethrow(...)</c>.</summary>
    private static Exception Rethrow(Exception inner)
    {
        ExceptionDispatchInfo.Capture(inner).Throw();
        return inner;
    }

    private static RemoteConnectionException Unreachable(SshEndpoint endpoint, Exception ex) =>
        new($"Cannot reach {endpoint.Address}:{endpoint.Port}: {ex.Message}", ex);

    /// <summary>
    /// Runs one command on a logged-in client. A failure before the host can have seen the command is a
    /// <see cref="CommandNotStartedException"/> (the caller decides whether another connection may try); any later one is
    /// the command's own failure.
    /// </summary>
    private async Task<RemoteResult> ExecuteAsync(SshClient client, SshEndpoint endpoint, RemoteCommand command, Action<string>? onOutputLine, CancellationToken ct)
    {
        var line = ShellQuoting.ToShellLine(command);
        SshCommand cmd;
        try
        {
            cmd = client.CreateCommand(line);
        }
        catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException)
        {
            throw new CommandNotStartedException(ex);
        }
        using var _ = cmd;
        // The command's own run time, without the connection: what the bench's P5 (portal overhead) subtracts.
        var running = Stopwatch.StartNew();
        Task execution;
        try
        {
            execution = cmd.ExecuteAsync(ct);
        }
        catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException && SshChannelEvidence.NeverReachedHost(cmd))
        {
            throw new CommandNotStartedException(ex);
        }
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
        _logger.LogDebug("Host command {Program} on {Address} ran {Milliseconds} ms (exit {Exit}) ended {Ended}",
            command.Program, endpoint.Address, running.ElapsedMilliseconds, cmd.ExitStatus, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var stderr = cmd.Error;
        // A command killed by a signal has no exit status; treat it as the shell would (128 + n is unknown here).
        return new RemoteResult(cmd.ExitStatus ?? 255, stdout.ToString(), stderr);
    }

    public void Dispose() => Pool.Dispose();

    /// <summary>The command never reached the host: running it on another connection cannot run it twice.</summary>
    private sealed class CommandNotStartedException(Exception inner) : Exception(inner.Message, inner);
}
