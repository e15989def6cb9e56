using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Pairs;

/// <summary>A protected VM: a source VM on a primary host and the VMID it is restored to on a recovery host.</summary>
public sealed class VmPair
{
    public int Id { get; set; }
    public int SourceHypervisorId { get; set; }
    public Hypervisor? SourceHypervisor { get; set; }
    public int SourceVmId { get; set; }
    public int TargetHypervisorId { get; set; }
    public Hypervisor? TargetHypervisor { get; set; }
    public int TargetVmId { get; set; }
    public bool StartAfterRestore { get; set; }

    /// <summary>Whether an existing VM at the target VMID may be replaced. Off by default: replacing is destructive.</summary>
    public bool OverwriteExistingTarget { get; set; }

    public BackupCompression Compression { get; set; } = BackupCompression.Zstd;
    public BackupMode BackupMode { get; set; } = BackupMode.Snapshot;

    /// <summary>Remove the primary host's copy once the repository holds a verified one (keeps the host's dump area small).</summary>
    public bool RemoveSourceCopy { get; set; } = true;

    /// <summary>Recovery point objective: how old the newest good archive may become; null sets no target.</summary>
    public int? RpoMinutes { get; set; }

    public string? Note { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public void Apply(VmPairInput input)
    {
        SourceHypervisorId = input.SourceHypervisorId;
        SourceVmId = input.SourceVmId;
        TargetHypervisorId = input.TargetHypervisorId;
        TargetVmId = input.TargetVmId;
        StartAfterRestore = input.StartAfterRestore;
        OverwriteExistingTarget = input.OverwriteExistingTarget;
        Compression = input.Compression;
        BackupMode = input.BackupMode;
        RemoveSourceCopy = input.RemoveSourceCopy;
        RpoMinutes = input.RpoMinutes;
        Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
    }

    public string Describe() =>
        $"{SourceHypervisor?.Name ?? SourceHypervisorId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{SourceVmId} → " +
        $"{TargetHypervisor?.Name ?? TargetHypervisorId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{TargetVmId}";

    public object AuditSnapshot() => new
    {
        Id,
        SourceHypervisorId,
        SourceVmId,
        TargetHypervisorId,
        TargetVmId,
        StartAfterRestore,
        OverwriteExistingTarget,
        Compression = Compression.ToString(),
        BackupMode = BackupMode.ToString(),
        RemoveSourceCopy,
        RpoMinutes,
        Note,
    };
}
