namespace DrPortal.Core.Hypervisors;

/// <summary>
/// A VM as its hypervisor kind names it: a Proxmox VMID ("100"), a libvirt domain name ("web01"). The switch carries it
/// as opaque text; only the kind's profile (<see cref="IHypervisorProfile.CheckVmRef"/>) decides what is valid.
/// </summary>
public readonly record struct VmRef
{
    public const int MaxLength = 64;

    public string Value { get; }

    private VmRef(string value) => Value = value;

    /// <summary>Wraps text a profile has accepted (or that was stored after being accepted).</summary>
    public static VmRef Of(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return new VmRef(value);
    }

    public bool IsEmpty => string.IsNullOrEmpty(Value);

    public override string ToString() => Value ?? "";
}
