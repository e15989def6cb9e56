namespace DrPortal.Core.Hypervisors;

/// <summary>What a hypervisor kind's driver can do; the API reports it and the UI offers only what is there.</summary>
[Flags]
public enum DriverCapabilities
{
    None = 0,

    /// <summary>A backup can hold only what changed since an earlier restore point of the same VM.</summary>
    Incremental = 1,

    /// <summary>A running VM is backed up at one consistent point in time without being stopped.</summary>
    ConsistentSnapshot = 2,

    /// <summary>A restored VM's NICs can be set to other networks and links before it starts.</summary>
    NetworkMapping = 4,

    /// <summary>A guest agent can be asked to freeze file systems and report that the guest is up.</summary>
    GuestAgent = 8,
}
