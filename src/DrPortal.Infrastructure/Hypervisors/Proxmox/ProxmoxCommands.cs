using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>The one place that builds Proxmox command lines, from typed values only.</summary>
public static class ProxmoxCommands
{
    public static RemoteCommand QmList() => new("qm", "list");

    public static RemoteCommand QmStatus(VmId vmId) => new("qm", "status", vmId.ToString());

    public static RemoteCommand PveVersion() => new("pveversion");
}
