using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Proxmox VE driven through its CLI over SSH.</summary>
internal sealed class ProxmoxDriver(IRemoteShell shell) : IHypervisorDriver
{
    public HypervisorKind Kind => HypervisorKind.Proxmox;

    public async Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmList(), ct);
        return QmOutputParser.ParseList(result.StandardOutput);
    }

    public async Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.PveVersion(), ct);
        // 127: the shell did not find pveversion, so this is not a Proxmox node (or not on PATH).
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    public async Task<VmPowerState> GetStatusAsync(Hypervisor host, VmId vmId, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmStatus(vmId), ct);
        return QmOutputParser.ParseStatus(result.StandardOutput);
    }

    private async Task<RemoteResult> RunCheckedAsync(Hypervisor host, RemoteCommand command, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), command, ct);
        if (!result.Succeeded)
        {
            var message = result.StandardError.Trim();
            var lines = (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new HypervisorCommandException(
                $"'{command}' failed on {host.Name} (exit {result.ExitStatus}): {(message.Length > 0 ? message : "no error message")}",
                result.ExitStatus, lines.TakeLast(20).ToList());
        }
        return result;
    }
}
