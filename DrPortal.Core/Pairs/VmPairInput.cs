using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Schedules;

namespace DrPortal.Core.Pairs;

/// <summary>What a user submits to create or edit a VM pair, before validation.</summary>
public sealed record VmPairInput
{
    public int SourceHypervisorId { get; set; }
    public int SourceVmId { get; set; }
    public int TargetHypervisorId { get; set; }
    public int TargetVmId { get; set; }
    public ReplicaStart ReplicaStart { get; set; } = ReplicaStart.Off;
    public bool OverwriteExistingTarget { get; set; }
    public BackupCompression Compression { get; set; } = BackupCompression.Zstd;
    public BackupMode BackupMode { get; set; } = BackupMode.Snapshot;
    public bool RemoveSourceCopy { get; set; } = true;

    /// <summary>Recovery point objective in minutes (1 minute to 365 days); null sets no target.</summary>
    public int? RpoMinutes { get; set; }

    /// <summary>Applied after every successful run of the pair; null or all zero keeps every archive.</summary>
    public RetentionPolicy? Retention { get; set; } = DefaultRetention;

    public string? Note { get; set; }

    /// <summary>
    /// Saves the pair although its source host could not be asked whether the source VM exists (host unreachable,
    /// key not trusted). Not stored: it answers for this one save.
    /// </summary>
    public bool ConfirmUnverifiedSource { get; set; }

    /// <summary>A new pair keeps its last three good restore points (the newest verified one is kept whatever the policy).</summary>
    public static RetentionPolicy DefaultRetention { get; } = new(KeepLast: 3);

    public const int MaxRpoMinutes = 365 * 24 * 60;

    public static VmPairInput From(VmPair p) => new()
    {
        SourceHypervisorId = p.SourceHypervisorId,
        SourceVmId = p.SourceVmId,
        TargetHypervisorId = p.TargetHypervisorId,
        TargetVmId = p.TargetVmId,
        ReplicaStart = p.ReplicaStart,
        OverwriteExistingTarget = p.OverwriteExistingTarget,
        Compression = p.Compression,
        BackupMode = p.BackupMode,
        RemoveSourceCopy = p.RemoveSourceCopy,
        RpoMinutes = p.RpoMinutes,
        Retention = p.Retention,
        Note = p.Note,
    };

    /// <summary>Checks the fields and the sites of the chosen hosts (null when the id names no host).</summary>
    public ValidationErrors Validate(Hypervisor? source, Hypervisor? target)
    {
        var errors = new ValidationErrors();
        if (source is null)
        {
            errors.Add(nameof(SourceHypervisorId), SourceHypervisorId == 0
                ? "Pick a source host: the primary-site host that runs the VM to protect."
                : $"Host #{SourceHypervisorId} no longer exists; pick another source host.");
        }
        else if (source.Site != Site.Primary)
        {
            errors.Add(nameof(SourceHypervisorId), $"Source host '{source.Name}' is on the recovery site; the source must be a primary-site host.");
        }
        if (target is null)
        {
            errors.Add(nameof(TargetHypervisorId), TargetHypervisorId == 0
                ? "Pick a target host: the recovery-site host the VM is restored to."
                : $"Host #{TargetHypervisorId} no longer exists; pick another target host.");
        }
        else if (target.Site != Site.Recovery)
        {
            errors.Add(nameof(TargetHypervisorId), $"Target host '{target.Name}' is on the primary site; the target must be a recovery-site host.");
        }
        if (!VmId.IsValid(SourceVmId))
        {
            errors.Add(nameof(SourceVmId), SourceVmId == 0 ? $"Pick or type the source VM's VMID. {VmId.ErrorMessage}" : VmId.ErrorMessage);
        }
        if (!VmId.IsValid(TargetVmId))
        {
            errors.Add(nameof(TargetVmId), TargetVmId == 0 ? $"Type the VMID the replica gets on the recovery host. {VmId.ErrorMessage}" : VmId.ErrorMessage);
        }
        if (!Enum.IsDefined(Compression))
        {
            errors.Add(nameof(Compression), "Compression must be Zstd, Lzo, Gzip or None.");
        }
        if (!Enum.IsDefined(BackupMode))
        {
            errors.Add(nameof(BackupMode), "Backup mode must be Snapshot, Suspend or Stop.");
        }
        if (!Enum.IsDefined(ReplicaStart))
        {
            errors.Add(nameof(ReplicaStart), "Replica start must be Off, LinksDown or Connected.");
        }
        Retention?.Validate(errors, nameof(Retention));
        if (RpoMinutes is < 1 or > MaxRpoMinutes)
        {
            errors.Add(nameof(RpoMinutes), "Recovery point objective must be from 1 minute to 365 days (525600 minutes), or empty for none.");
        }
        TextRules.OptionalNote(errors, nameof(Note), Note);
        return errors;
    }
}
