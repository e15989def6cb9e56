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

    /// <summary>Whether a VM with this id exists on the host.</summary>
    Task<bool> VmExistsAsync(Hypervisor host, VmId vmId, CancellationToken ct);

    /// <summary>Backs a VM up into the host's dump directory; success is decided from the exit status and the final lines.</summary>
    /// <exception cref="HypervisorCommandException">The backup failed; the message is the tool's reason.</exception>
    Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, Tasks.IStageReporter reporter, CancellationToken ct);

    /// <summary>Restores an archive on the host into a VMID (replacing a stopped VM when <c>Force</c>).</summary>
    Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, Tasks.IStageReporter reporter, CancellationToken ct);

    Task StartAsync(Hypervisor host, VmId vmId, CancellationToken ct);

    /// <summary>
    /// Stops, gracefully, the one host command an earlier attempt started and lost in a crash (reported through
    /// <see cref="Tasks.IStageReporter.HostCommandStarted"/>), and waits until it has ended, so the VM is unlocked and
    /// partial files are gone. Only that PID is signalled, only while its start time is the recorded one, and never
    /// when it is a VM process. Returns true when it stopped the command; false when it had already ended.
    /// </summary>
    /// <exception cref="HypervisorCommandException">The process is a VM process (refused, nothing signalled) or did not end in time.</exception>
    Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct);

    /// <summary>Stops the VM hard; silent success when it is already stopped.</summary>
    Task StopAsync(Hypervisor host, VmId vmId, CancellationToken ct);

    /// <summary>
    /// The identity the hypervisor keeps for this VM instance, new with every restore (Proxmox: vmgenid; libvirt: the
    /// domain UUID); null when the VM has none. A pair records it to know its own replica later.
    /// </summary>
    Task<string?> GetVmIdentityAsync(Hypervisor host, VmId vmId, CancellationToken ct);

    /// <summary>
    /// Sets the link of every NIC of a stopped VM up or down, keeping each NIC's MAC, and checks the VM's configuration
    /// says so afterwards. Returns the NICs it set ("net0", ...).
    /// </summary>
    /// <exception cref="HypervisorCommandException">A NIC could not be set, or the configuration does not show it.</exception>
    Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmId vmId, bool up, CancellationToken ct);

    /// <summary>Removes a stopped VM and its disks; used only for what the portal's own failed restore left at a VMID that was free.</summary>
    Task DestroyAsync(Hypervisor host, VmId vmId, CancellationToken ct);
}

/// <summary>A hypervisor command that ran but failed; the message is the tool's own words.</summary>
public sealed class HypervisorCommandException(string message, int exitStatus, IReadOnlyList<string> lastLines)
    : Exception(message)
{
    public int ExitStatus { get; } = exitStatus;
    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
