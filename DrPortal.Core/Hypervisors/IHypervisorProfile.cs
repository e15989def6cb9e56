using DrPortal.Core.Common;
using DrPortal.Core.Hosts;

namespace DrPortal.Core.Hypervisors;

/// <summary>
/// What the switch knows of one hypervisor kind without talking to a host: how it names VMs, which backup options it
/// offers, what it can do, and its defaults. Each kind's folder provides one; validation of pairs and hosts asks it.
/// </summary>
public interface IHypervisorProfile
{
    HypervisorKind Kind { get; }

    /// <summary>The kind's name for people: "Proxmox VE", "libvirt/KVM".</summary>
    string DisplayName { get; }

    /// <summary>What a VM reference is called in this kind: "VMID", "Domain".</summary>
    string VmRefLabel { get; }

    /// <summary>What a VM is called in messages, before its reference: "VM" (VM 100), "domain" (domain web01).</summary>
    string VmNoun { get; }

    /// <summary><see cref="VmNoun"/> at the start of a sentence: "VM", "Domain".</summary>
    string VmNounCapitalised => VmNoun.Length == 0 ? VmNoun : char.ToUpperInvariant(VmNoun[0]) + VmNoun[1..];

    /// <summary>One line that says what a valid reference looks like.</summary>
    string VmRefHelp { get; }

    DriverCapabilities Capabilities { get; }

    IReadOnlyList<BackupOptionSpec> BackupOptions { get; }

    /// <summary>Where a host of this kind keeps the portal's backup and restore files unless its admin says otherwise.</summary>
    string DefaultStagingDirectory { get; }

    /// <summary>What the restore-storage field of a host means in this kind, for the form's help.</summary>
    string RestoreStorageHelp { get; }

    /// <summary>Null when the text names a VM of this kind, otherwise why not (one sentence).</summary>
    string? CheckVmRef(string? text);

    /// <summary>Null when the restore storage (never empty here) is valid for this kind, otherwise why not.</summary>
    string? CheckRestoreStorage(string storage);
}
