using System.Diagnostics;
using System.Globalization;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Remote;

internal sealed class HostConnections(
    IHypervisorStore hosts,
    IRemoteShell shell,
    IPortalKey portalKey,
    HypervisorDrivers drivers,
    IAuditLog audit) : IHostConnections
{
    /// <summary>
    /// Appends the key given as $1 to the login user's authorized_keys unless it is already there,
    /// creating ~/.ssh with private modes and mending a last line that lacks its newline.
    /// </summary>
    private const string InstallKeyScript =
        "set -e; umask 077; mkdir -p \"$HOME/.ssh\"; f=\"$HOME/.ssh/authorized_keys\"; touch \"$f\"; " +
        "if grep -qxF \"$1\" \"$f\"; then exit 0; fi; " +
        "if [ -s \"$f\" ] && [ -n \"$(tail -c1 \"$f\")\" ]; then echo >> \"$f\"; fi; " +
        "printf '%s\\n' \"$1\" >> \"$f\"";

    public async Task<Result<HostKeyStatus>> GetHostKeyAsync(int hypervisorId, CancellationToken ct)
    {
        var host = await hosts.FindAsync(hypervisorId, ct);
        if (host is null)
        {
            return Result<HostKeyStatus>.NotFound($"Host {hypervisorId} does not exist.");
        }
        try
        {
            var key = await shell.ProbeHostKeyAsync(host.Address, host.SshPort, ct);
            return Result<HostKeyStatus>.Ok(StatusOf(host, key));
        }
        catch (RemoteConnectionException ex)
        {
            return Result<HostKeyStatus>.Conflict(ex.Message);
        }
    }

    public async Task<Result<HostKeyStatus>> TrustAsync(int hypervisorId, string fingerprint, string actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(fingerprint) || fingerprint.Length > 100)
        {
            return Result<HostKeyStatus>.Invalid("fingerprint", "Fingerprint is required, as shown by the host-key check (SHA256:...).");
        }
        var host = await hosts.FindAsync(hypervisorId, ct);
        if (host is null)
        {
            return Result<HostKeyStatus>.NotFound($"Host {hypervisorId} does not exist.");
        }
        HostKey key;
        try
        {
            key = await shell.ProbeHostKeyAsync(host.Address, host.SshPort, ct);
        }
        catch (RemoteConnectionException ex)
        {
            return Result<HostKeyStatus>.Conflict(ex.Message);
        }
        // Pin only the key the host shows right now, and only if it is the one the admin confirmed.
        if (!string.Equals(key.Fingerprint, HostKey.NormalizeFingerprint(fingerprint), StringComparison.Ordinal))
        {
            return Result<HostKeyStatus>.Invalid("fingerprint",
                $"The host presents {key.Fingerprint}, not the fingerprint you confirmed. Nothing was pinned.");
        }
        var pinned = await hosts.PinHostKeyAsync(hypervisorId, key, actor, ct);
        return pinned.IsOk ? Result<HostKeyStatus>.Ok(StatusOf(pinned.Value!, key)) : Result<HostKeyStatus>.NotFound(pinned.Message!);
    }

    public async Task<Result<bool>> InstallKeyAsync(int hypervisorId, string password, string actor, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(password) || password.Length > 1024)
        {
            return Result<bool>.Invalid("password", "Password is required (at most 1024 characters).");
        }
        var host = await hosts.FindAsync(hypervisorId, ct);
        if (host is null)
        {
            return Result<bool>.NotFound($"Host {hypervisorId} does not exist.");
        }
        if (host.PinnedHostKey is null)
        {
            // A password is never sent to a host whose identity is unconfirmed.
            return Result<bool>.Conflict($"Trust the host key of {host.Name} before installing the portal key.");
        }
        var endpoint = SshEndpoint.For(host);
        try
        {
            var result = await shell.RunWithPasswordAsync(endpoint, password, RemoteCommand.Script(InstallKeyScript, portalKey.PublicKeyLine), ct);
            if (!result.Succeeded)
            {
                return Result<bool>.Conflict($"Installing the key on {host.Name} failed (exit {result.ExitStatus}): {result.StandardError.Trim()}");
            }
            var check = await shell.RunAsync(endpoint, new RemoteCommand("true"), ct);
            if (!check.Succeeded)
            {
                return Result<bool>.Conflict($"The key was installed on {host.Name} but logging in with it failed.");
            }
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException)
        {
            return Result<bool>.Conflict(ex.Message);
        }
        await audit.RecordAsync(actor, "install-key", "Hypervisor", hypervisorId.ToString(CultureInfo.InvariantCulture),
            $"Installed the portal key on {host.Name} for {host.SshUser}", null, null, ct);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<ConnectionTest>> TestAsync(int hypervisorId, CancellationToken ct)
    {
        var host = await hosts.FindAsync(hypervisorId, ct);
        if (host is null)
        {
            return Result<ConnectionTest>.NotFound($"Host {hypervisorId} does not exist.");
        }
        var watch = Stopwatch.StartNew();
        try
        {
            var echo = await shell.RunAsync(SshEndpoint.For(host), new RemoteCommand("true"), ct);
            var latency = watch.Elapsed.TotalMilliseconds;
            if (!echo.Succeeded)
            {
                return Result<ConnectionTest>.Ok(new ConnectionTest(false, latency, null, $"The test command failed with exit {echo.ExitStatus}."));
            }
            var version = await DriverFor(host).GetVersionAsync(host, ct);
            return Result<ConnectionTest>.Ok(new ConnectionTest(true, Math.Round(latency, 1), version, null));
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException)
        {
            // A refused login or a changed key comes from an SSH server; anything else (closed port, timeout, another service) reads alike.
            var error = ex is RemoteConnectionException && ex.InnerException is not Renci.SshNet.Common.SshAuthenticationException
                ? $"{host.Name} is not reachable over SSH."
                : ex.Message;
            return Result<ConnectionTest>.Ok(new ConnectionTest(false, watch.Elapsed.TotalMilliseconds, null, error, ex.Message));
        }
    }

    public async Task<Result<IReadOnlyList<VmInfo>>> ListVmsAsync(int hypervisorId, CancellationToken ct)
    {
        var host = await hosts.FindAsync(hypervisorId, ct);
        if (host is null)
        {
            return Result<IReadOnlyList<VmInfo>>.NotFound($"Host {hypervisorId} does not exist.");
        }
        try
        {
            return Result<IReadOnlyList<VmInfo>>.Ok(await DriverFor(host).ListVmsAsync(host, ct));
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException or HypervisorCommandException)
        {
            return Result<IReadOnlyList<VmInfo>>.Conflict(ex.Message);
        }
    }

    private IHypervisorDriver DriverFor(Hypervisor host) => drivers.For(host);

    private static HostKeyStatus StatusOf(Hypervisor host, HostKey presented) =>
        new(presented.Fingerprint, presented.Algorithm, host.HostKeyFingerprint == presented.Fingerprint, host.HostKeyFingerprint);
}
