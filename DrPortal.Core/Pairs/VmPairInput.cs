using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Schedules;

namespace DrPortal.Core.Pairs;

/// <summary>What a user submits to create or edit a VM pair, before validation.</summary>
public sealed record VmPairInput
{
    public int SourceHypervisorId { get; set; }

    /// <summary>The source VM as its kind names it: a Proxmox VMID ("100"), a libvirt domain name ("web01").</summary>
    public string? SourceVm { get; set; }
    public int TargetHypervisorId { get; set; }

    /// <summary>The replica's name on the recovery host, in the same kind's terms.</summary>
    public string? TargetVm { get; set; }
    public ReplicaStart ReplicaStart { get; set; } = ReplicaStart.Off;
    public bool OverwriteExistingTarget { get; set; }

    /// <summary>The kind's backup options by key; a missing option takes the kind's default. Validation completes it.</summary>
    public Dictionary<string, string>? BackupOptions { get; set; }
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
        SourceVm = p.SourceVm,
        TargetHypervisorId = p.TargetHypervisorId,
        TargetVm = p.TargetVm,
        ReplicaStart = p.ReplicaStart,
        OverwriteExistingTarget = p.OverwriteExistingTarget,
        BackupOptions = new Dictionary<string, string>(p.BackupOptions, StringComparer.Ordinal),
        RemoveSourceCopy = p.RemoveSourceCopy,
        RpoMinutes = p.RpoMinutes,
        Retention = p.Retention,
        Note = p.Note,
    };

    /// <summary>
    /// Checks the fields, the sites and kinds of the chosen hosts (null when the id names no host), and the VM references
    /// and backup options by the kind's own rules. The options are completed with the kind's defaults.
    /// </summary>
    public ValidationErrors Validate(Hypervisor? source, Hypervisor? target, HypervisorProfiles profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
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
        if (source is not null && target is not null && source.Kind != target.Kind)
        {
            errors.Add(nameof(TargetHypervisorId),
                $"Source host '{source.Name}' is {profiles.NameOf(source.Kind)} and target host '{target.Name}' is {profiles.NameOf(target.Kind)}: " +
                "a pair's two hosts must be of the same kind.");
        }
        var profile = source is null ? null : profiles.Find(source.Kind);
        if (profile is not null)
        {
            SourceVm = SourceVm?.Trim();
            TargetVm = TargetVm?.Trim();
            if (profile.CheckVmRef(SourceVm) is { } sourceError)
            {
                errors.Add(nameof(SourceVm), string.IsNullOrEmpty(SourceVm) ? $"Pick or type the source VM's {profile.VmRefLabel}. {sourceError}" : sourceError);
            }
            if (profile.CheckVmRef(TargetVm) is { } targetError)
            {
                errors.Add(nameof(TargetVm), string.IsNullOrEmpty(TargetVm) ? $"Type the {profile.VmRefLabel} the replica gets on the recovery host. {targetError}" : targetError);
            }
            BackupOptions = new Dictionary<string, string>(HypervisorProfiles.CompleteOptions(profile, BackupOptions, errors, nameof(BackupOptions)), StringComparer.Ordinal);
        }
        else
        {
            // Without a source host the kind is unknown: only say what is missing.
            if (string.IsNullOrWhiteSpace(SourceVm))
            {
                errors.Add(nameof(SourceVm), "Pick or type the source VM once its host is chosen.");
            }
            if (string.IsNullOrWhiteSpace(TargetVm))
            {
                errors.Add(nameof(TargetVm), "Type the name the replica gets on the recovery host.");
            }
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
