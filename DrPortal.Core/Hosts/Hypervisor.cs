namespace DrPortal.Core.Hosts;

/// <summary>A kind of hypervisor the switch drives; each has its own folder under Infrastructure/Hypervisors.</summary>
public enum HypervisorKind
{
    /// <summary>Proxmox VE, over SSH: vzdump, qmrestore, qm.</summary>
    Proxmox,

    /// <summary>libvirt with QEMU/KVM, over SSH: virsh, qemu-img.</summary>
    Libvirt,
}

/// <summary>Which side of the switch a host stands on.</summary>
public enum Site
{
    /// <summary>The data center where protected VMs run.</summary>
    Primary,

    /// <summary>The disaster-recovery center where VMs are restored.</summary>
    Recovery,
}

/// <summary>A hypervisor host the portal drives over SSH.</summary>
public sealed class Hypervisor
{
    public const string DefaultSshUser = "root";

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public int SshPort { get; set; } = 22;
    public HypervisorKind Kind { get; set; } = HypervisorKind.Proxmox;
    public Site Site { get; set; } = Site.Primary;
    public string SshUser { get; set; } = DefaultSshUser;
    /// <summary>The directory on the host where backups are written and restore points are received; its kind's default unless the admin chose one.</summary>
    public string StagingDirectory { get; set; } = "";

    /// <summary>Where restored disks go, in the kind's terms (Proxmox: a storage id); null keeps the kind's default.</summary>
    public string? RestoreStorage { get; set; }

    /// <summary>Bandwidth limit for archive transfers to and from this host, in KiB/s; null for none.</summary>
    public int? BandwidthLimitKiBps { get; set; }

    public string? Note { get; set; }

    /// <summary>The pinned host key's algorithm ("ssh-ed25519", ...); null until an admin trusts one.</summary>
    public string? HostKeyAlgorithm { get; set; }

    /// <summary>The pinned host key's public blob.</summary>
    public byte[]? HostKeyBlob { get; set; }

    public string? HostKeyFingerprint { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the background check last logged in to the host; null if it never did.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>When the background check last ran for the host, whatever it found.</summary>
    public DateTimeOffset? LastCheckAt { get; set; }

    public HostCheckState CheckState { get; set; }

    /// <summary>What the last check found, in words (why it was unreachable, how much space is left).</summary>
    public string? CheckMessage { get; set; }

    public const int CheckMessageMaxLength = 500;

    /// <summary>Free bytes in the host's dump area at the last check; null when unknown.</summary>
    public long? DumpFreeBytes { get; set; }

    public HostKey? PinnedHostKey =>
        HostKeyAlgorithm is not null && HostKeyBlob is not null ? new HostKey(HostKeyAlgorithm, HostKeyBlob) : null;

    public void Apply(HypervisorInput input)
    {
        Name = input.Name!.Trim();
        var address = input.Address!.Trim();
        if (!string.Equals(address, Address, StringComparison.OrdinalIgnoreCase) || input.SshPort != SshPort)
        {
            // A different endpoint is a different machine until proven otherwise.
            ClearHostKey();
        }
        Address = address;
        SshPort = input.SshPort;
        Kind = input.Kind;
        Site = input.Site;
        SshUser = input.SshUser!.Trim();
        StagingDirectory = input.StagingDirectory?.Trim() ?? "";
        RestoreStorage = string.IsNullOrWhiteSpace(input.RestoreStorage) ? null : input.RestoreStorage.Trim();
        BandwidthLimitKiBps = input.BandwidthLimitKiBps;
        Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
    }

    public void Pin(HostKey key)
    {
        HostKeyAlgorithm = key.Algorithm;
        HostKeyBlob = key.Blob;
        HostKeyFingerprint = key.Fingerprint;
    }

    public void ClearHostKey()
    {
        HostKeyAlgorithm = null;
        HostKeyBlob = null;
        HostKeyFingerprint = null;
    }

    /// <summary>What the audit log records about a host (no secrets exist on this entity).</summary>
    public object AuditSnapshot() => new
    {
        Id,
        Name,
        Address,
        SshPort,
        Kind = Kind.ToString(),
        Site = Site.ToString(),
        SshUser,
        StagingDirectory,
        RestoreStorage,
        BandwidthLimitKiBps,
        Note,
        HostKeyFingerprint,
    };
}
