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
/// <param name="Ref">How the kind names it (a VMID, a domain name).</param>
/// <param name="Uuid">The hypervisor's own id of the VM where it has one (libvirt's domain UUID).</param>
/// <param name="Pid">The VM's process on the host while it runs, else null.</param>
public sealed record VmInfo(VmRef Ref, string Name, VmPowerState Status, long MemoryMb, double DiskGb, int? Pid, string? Uuid = null, int? Cpus = null)
{
    /// <summary>"100 (web01)" where the reference is not the name (Proxmox), "web01" where it is (libvirt).</summary>
    public string Described => Name == Ref.Value ? Name : $"{Ref} ({Name})";
}

/// <summary>
/// The switch: one hypervisor kind behind one interface. The task pipeline talks only to this and to the kind's
/// <see cref="IHypervisorProfile"/>; names and paths of files on a host are the driver's.
/// </summary>
public interface IHypervisorDriver
{
    IHypervisorProfile Profile { get; }

    /// <summary>Where a file of a restore point with this name lies on the host (its staging directory).</summary>
    string StagingPathOf(Hypervisor host, string fileName);

    Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct);

    /// <summary>The hypervisor's versions as one line ("pve-manager/8.2.4", "libvirt 9.0.0, QEMU 7.2.22"), or null if the host does not report them.</summary>
    Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct);

    Task<VmPowerState> GetStatusAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>Whether a VM with this id exists on the host.</summary>
    Task<bool> VmExistsAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>Backs a VM up into the host's staging directory; success is decided from the tool's own words, never from silence.</summary>
    /// <exception cref="HypervisorCommandException">The backup failed; the message is the tool's reason.</exception>
    Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, Tasks.IStageReporter reporter, CancellationToken ct);

    /// <summary>Restores a restore point (its chain, oldest first) on the host into the target VM (replacing a stopped VM when <c>Force</c>).</summary>
    Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, Tasks.IStageReporter reporter, CancellationToken ct);

    Task StartAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>
    /// Stops, gracefully, the one host command an earlier attempt started and lost in a crash (reported through
    /// <see cref="Tasks.IStageReporter.HostCommandStarted"/>), and waits until it has ended, so the VM is unlocked and
    /// partial files are gone. Only that PID is signalled, only while its start time is the recorded one, and never
    /// when it is a VM process. Returns true when it stopped the command; false when it had already ended.
    /// </summary>
    /// <exception cref="HypervisorCommandException">The process is a VM process (refused, nothing signalled) or did not end in time.</exception>
    Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct);

    /// <summary>
    /// Before a backup of the VM runs again after the portal lost an attempt (a crash, a stop): clears what that attempt
    /// left on the host that <see cref="StopLeftoverAsync"/> does not (libvirt: a backup job still running in the VM's
    /// QEMU, the checkpoint it made and the half-written files it named). Says what it cleared, or null for nothing.
    /// </summary>
    Task<string?> ClearInterruptedBackupAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>Stops the VM hard; silent success when it is already stopped.</summary>
    Task StopAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>
    /// The identity the hypervisor keeps for this VM instance, new with every restore (Proxmox: vmgenid; libvirt: the
    /// domain UUID); null when the VM has none. A pair records it to know its own replica later.
    /// </summary>
    Task<string?> GetVmIdentityAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>
    /// Sets the link of every NIC of a stopped VM up or down, keeping each NIC's MAC, and checks the VM's configuration
    /// says so afterwards. Returns the NICs it set ("net0", ...).
    /// </summary>
    /// <exception cref="HypervisorCommandException">A NIC could not be set, or the configuration does not show it.</exception>
    Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmRef vm, bool up, CancellationToken ct);

    /// <summary>The networks a NIC can join on the host (Proxmox: the node's bridges; libvirt: host bridges and libvirt networks).</summary>
    Task<IReadOnlyList<HostNetwork>> ListNetworksAsync(Hypervisor host, CancellationToken ct);

    /// <summary>The VM's NICs as its configuration says, in order ("net0" first).</summary>
    Task<IReadOnlyList<VmNic>> ListNicsAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>
    /// Sets the NICs of a stopped VM as mapped (network, VLAN tag, MAC kept or new, link up or down); a NIC the mapping
    /// does not name stays as it is. Reads the configuration back and returns the NICs as it shows them.
    /// </summary>
    /// <exception cref="HypervisorCommandException">
    /// A mapped network does not exist on the host (the message names it and the ones that exist), a NIC is not the VM's,
    /// or the configuration does not show the mapping afterwards.
    /// </exception>
    Task<IReadOnlyList<VmNic>> ApplyNetworkAsync(Hypervisor host, VmRef vm, IReadOnlyList<NicMapping> mapping, CancellationToken ct);

    /// <summary>Asks the VM's guest agent for a ping (Proxmox: `qm guest cmd VMID ping`; libvirt: `guest-ping`), a few seconds at most.</summary>
    Task<GuestAgentReply> PingGuestAgentAsync(Hypervisor host, VmRef vm, CancellationToken ct);

    /// <summary>
    /// Shuts the VM down gracefully (ACPI or the guest agent) and waits until it is stopped; silent success when it is
    /// already stopped. Never forces: a guest that does not stop in time keeps running and the call fails.
    /// </summary>
    /// <exception cref="HypervisorCommandException">The VM did not stop within the timeout; it still runs.</exception>
    Task ShutdownAsync(Hypervisor host, VmRef vm, TimeSpan timeout, CancellationToken ct);

    /// <summary>
    /// A VM reference that is free on the host and not in <paramref name="taken"/>, for a drill's scratch copy
    /// (Proxmox: a free VMID from 900000 up; libvirt: "drill-" and the hint, made valid and unique).
    /// </summary>
    Task<VmRef> FreeScratchVmAsync(Hypervisor host, string hint, IReadOnlySet<string> taken, CancellationToken ct);

    /// <summary>Removes a stopped VM and its disks; used only for what the portal's own failed restore left at a target that was free.</summary>
    Task DestroyAsync(Hypervisor host, VmRef vm, CancellationToken ct);
}

/// <summary>A hypervisor command that ran but failed; the message is the tool's own words.</summary>
public sealed class HypervisorCommandException(string message, int exitStatus, IReadOnlyList<string> lastLines)
    : Exception(message)
{
    public int ExitStatus { get; } = exitStatus;
    public IReadOnlyList<string> LastLines { get; } = lastLines;
}
