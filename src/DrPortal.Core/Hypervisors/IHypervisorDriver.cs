using DrPortal.Core.Hosts;

namespace DrPortal.Core.Hypervisors;

public enum VmPowerState
{
    Unknown,
    Running,
    Stopped,
    Paused,
}

/// <summary>A VM as the hypervisor lists it.</summary>
public sealed record VmInfo(int VmId, string Name, VmPowerState Status, long MemoryMb, double BootDiskGb, int Pid);

/// <summary>
/// The switch: one hypervisor kind behind one interface. Proxmox is the first implementation;
/// the task pipeline talks only to this.
/// </summary>
public interface IHypervisorDriver
{
    HypervisorKind Kind { get; }

    Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct);

    /// <summary>The hypervisor's version string, or null if the host does not report one.</summary>
    Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct);

    Task<VmPowerState> GetStatusAsync(Hypervisor host, VmId vmId, CancellationToken ct);
}

/// <summary>A hypervisor command that ran but failed; the message is the tool's own words.</summary>
public sealed class HypervisorCommandException(string message, int exitStatus, IReadOnlyList<string> lastLines)
    : Exception(message)
{
    public int ExitStatus { get; } = exitStatus;
    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
