using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Schedules;

namespace DrPortal.Core.Pairs;

/// <summary>A protected VM: a source VM on a primary host and the VM it is restored to on a recovery host of the same kind.</summary>
public sealed class VmPair
{
    public int Id { get; set; }
    public int SourceHypervisorId { get; set; }
    public Hypervisor? SourceHypervisor { get; set; }

    /// <summary>The source VM as its kind names it (a VMID, a domain name).</summary>
    public string SourceVm { get; set; } = "";

    /// <summary>The source VM's own id where its kind has one (libvirt: the domain UUID) as last seen; null until known.</summary>
    public string? SourceVmUuid { get; set; }

    /// <summary>The source VM's name as its host last reported it (shown beside the id); null until known.</summary>
    public string? SourceVmName { get; set; }

    public int TargetHypervisorId { get; set; }
    public Hypervisor? TargetHypervisor { get; set; }

    /// <summary>The replica on the recovery host, named as its kind names VMs.</summary>
    public string TargetVm { get; set; } = "";

    /// <summary>Whether and how the replica is started after a restore; off by default so it cannot collide with the primary.</summary>
    public ReplicaStart ReplicaStart { get; set; }

    /// <summary>
    /// Whether an existing VM at the target VMID that this pair did not create may be replaced. Off by default:
    /// replacing is destructive. The pair's own replica (see <see cref="ReplicaIdentity"/>) is always the pair's to replace.
    /// </summary>
    public bool OverwriteExistingTarget { get; set; }

    /// <summary>
    /// The identity the hypervisor gave the replica this pair last restored (Proxmox: its vmgenid; libvirt: its UUID),
    /// read right after the restore. A VM at the target that carries it is the pair's own; any other VM is not.
    /// </summary>
    public string? ReplicaIdentity { get; set; }

    public const int ReplicaIdentityMaxLength = 100;

    /// <summary>The kind's backup options (Proxmox: compress, mode), complete: every option of the kind has a value.</summary>
    public Dictionary<string, string> BackupOptions { get; set; } = [];

    /// <summary>Remove the primary host's copy once the repository holds a verified one (keeps the host's dump area small).</summary>
    public bool RemoveSourceCopy { get; set; } = true;

    /// <summary>Recovery point objective: how old the newest good archive may become; null sets no target.</summary>
    public int? RpoMinutes { get; set; }

    /// <summary>
    /// Since when the pair breaches its RPO, as the RPO monitor last announced it; null while it is met. Kept on the row
    /// so a restart or a second portal node does not announce the same breach again.
    /// </summary>
    public DateTimeOffset? RpoBreachedAt { get; set; }

    /// <summary>Retention counts applied to the pair's archives after every successful run; all 0 keeps everything.</summary>
    public int KeepLast { get; set; }
    public int KeepDaily { get; set; }
    public int KeepWeekly { get; set; }
    public int KeepMonthly { get; set; }

    public RetentionPolicy Retention => new(KeepLast, KeepDaily, KeepWeekly, KeepMonthly);

    /// <summary>Where each NIC goes when the pair fails over; empty keeps the networks of the restored VM.</summary>
    public List<NicMapping> FailoverNetwork { get; set; } = [];

    /// <summary>Where each NIC goes in a drill; a NIC not listed is isolated (link down, new MAC).</summary>
    public List<NicMapping> DrillNetwork { get; set; } = [];

    public BootCheck BootCheck { get; set; } = BootCheck.Default;

    /// <summary>Where the service runs: failed over, the replica is production and nothing may overwrite it.</summary>
    public PairDirection Direction { get; set; }

    /// <summary>When the last failover of this pair finished, while <see cref="Direction"/> is FailedOver.</summary>
    public DateTimeOffset? FailedOverAt { get; set; }

    /// <summary>The run that failed the pair over, while it is failed over.</summary>
    public long? FailedOverRunId { get; set; }

    /// <summary>The restore point the replica was last restored from (what a disaster failover compares with).</summary>
    public long? ReplicaArchiveId { get; set; }

    /// <summary>The source VM's NICs as last read before a backup: what a failback puts back.</summary>
    public List<VmNic> SourceNics { get; set; } = [];

    public DateTimeOffset? LastDrillAt { get; set; }
    public bool? LastDrillPassed { get; set; }
    public long? LastDrillRunId { get; set; }

    /// <summary>Why nothing may overwrite the replica now, or null when replication may run.</summary>
    public string? ReplicationBlockedReason => Direction == PairDirection.FailedOver
        ? $"The service of this pair runs on the recovery site since {FailedOverAt:yyyy-MM-dd HH:mm} UTC (failover run #{FailedOverRunId}): replication would overwrite it. Fail back first."
        : null;

    public void ApplyRecovery(PairRecoveryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FailoverNetwork = [.. input.FailoverNetwork ?? []];
        DrillNetwork = [.. input.DrillNetwork ?? []];
        BootCheck = input.BootCheck ?? BootCheck.Default;
    }

    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public void Apply(VmPairInput input)
    {
        if (SourceHypervisorId != input.SourceHypervisorId || SourceVm != input.SourceVm)
        {
            SourceVmUuid = null;
        }
        SourceHypervisorId = input.SourceHypervisorId;
        SourceVm = input.SourceVm!.Trim();
        if (TargetHypervisorId != input.TargetHypervisorId || TargetVm != input.TargetVm)
        {
            // Another target: whatever is there was not restored by this pair.
            ReplicaIdentity = null;
        }
        TargetHypervisorId = input.TargetHypervisorId;
        TargetVm = input.TargetVm!.Trim();
        ReplicaStart = input.ReplicaStart;
        OverwriteExistingTarget = input.OverwriteExistingTarget;
        BackupOptions = new Dictionary<string, string>(input.BackupOptions ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        RemoveSourceCopy = input.RemoveSourceCopy;
        RpoMinutes = input.RpoMinutes;
        var retention = input.Retention ?? RetentionPolicy.None;
        (KeepLast, KeepDaily, KeepWeekly, KeepMonthly) = (retention.KeepLast, retention.KeepDaily, retention.KeepWeekly, retention.KeepMonthly);
        Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
    }

    public string Describe() =>
        $"{SourceHypervisor?.Name ?? SourceHypervisorId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{SourceVm} → " +
        $"{TargetHypervisor?.Name ?? TargetHypervisorId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{TargetVm}";

    public object AuditSnapshot() => new
    {
        Id,
        SourceHost = SourceHypervisor?.Name,
        SourceHypervisorId,
        SourceVm,
        TargetHost = TargetHypervisor?.Name,
        TargetHypervisorId,
        TargetVm,
        ReplicaStart = ReplicaStart.ToString(),
        OverwriteExistingTarget,
        BackupOptions = new SortedDictionary<string, string>(BackupOptions, StringComparer.Ordinal),
        RemoveSourceCopy,
        RpoMinutes,
        Retention,
        Note,
    };
}
