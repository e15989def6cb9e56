using System.Text.RegularExpressions;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>What the switch knows of Proxmox VE: VMIDs, vzdump's options, the dump directory, storage ids.</summary>
public sealed partial class ProxmoxProfile : IHypervisorProfile
{
    public const string DumpDirectory = "/var/lib/vz/dump";

    public HypervisorKind Kind => HypervisorKind.Proxmox;
    public string DisplayName => "Proxmox VE";
    public string VmRefLabel => "VMID";
    public string VmNoun => "VM";
    public string VmRefHelp => VmId.ErrorMessage;

    // Proxmox backups are full archives; NICs are mapped with qm set --netN and the guest agent answers qm guest cmd ping.
    public DriverCapabilities Capabilities => DriverCapabilities.ConsistentSnapshot | DriverCapabilities.NetworkMapping | DriverCapabilities.GuestAgent;

    public IReadOnlyList<BackupOptionSpec> BackupOptions => ProxmoxBackupOptions.Specs;

    public string DefaultStagingDirectory => DumpDirectory;

    public string RestoreStorageHelp => "A Proxmox storage id for the restored disks (e.g. local-lvm); empty keeps the archive's.";

    public string? CheckVmRef(string? text) => VmId.TryParse(text, out _) ? null : VmId.ErrorMessage;

    public string? CheckRestoreStorage(string storage) =>
        StorageId().IsMatch(storage) ? null : "Restore storage must be a Proxmox storage id: a letter, then letters, digits, '.', '-' or '_'.";

    /// <summary>Proxmox storage identifiers (pve-storage's "pve-storage-id" format).</summary>
    [GeneratedRegex("^[a-z][a-z0-9._-]{0,63}\\z", RegexOptions.IgnoreCase)]
    public static partial Regex StorageId();

    /// <summary>The VMID a stored reference names; references were validated when the pair was saved.</summary>
    /// <exception cref="ArgumentException">Not a VMID.</exception>
    public static VmId VmIdOf(VmRef vm) =>
        VmId.TryParse(vm.Value, out var id) ? id : throw new ArgumentException($"'{vm}' is not a Proxmox VMID. {VmId.ErrorMessage}", nameof(vm));
}
