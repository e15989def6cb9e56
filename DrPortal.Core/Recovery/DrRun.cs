using DrPortal.Core.Tasks;

namespace DrPortal.Core.Recovery;

/// <summary>
/// A drill, failover or failback: the durable parent of one child task per VM (<see cref="DrTask.DrRunId"/>). The row
/// holds what the run decided (group releases, timeouts, the scratch clean-up), so a portal killed in the middle resumes
/// from it; the children resume at their own first unfinished stage.
/// </summary>
public sealed class DrRun
{
    public const int LabelMaxLength = 200;
    public const int MaxKeepScratchMinutes = 7 * 24 * 60;

    public long Id { get; set; }
    public DrRunKind Kind { get; set; }

    /// <summary>The plan run; null for a single pair's drill (or after the plan was deleted: <see cref="Label"/> stays).</summary>
    public int? RecoveryPlanId { get; set; }

    /// <summary>The pair of a single-pair drill.</summary>
    public int? VmPairId { get; set; }

    /// <summary>The plan's name, or the pair's label, as it was when the run was requested.</summary>
    public string Label { get; set; } = "";

    public DrRunStatus Status { get; set; }
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
    public bool CancelRequested { get; set; }
    public int Attempts { get; set; }

    /// <summary>Planned failover: shut the source VMs down gracefully before their last replication.</summary>
    public bool ShutdownSources { get; set; }

    public FailbackTarget FailbackTarget { get; set; }

    /// <summary>Drill: keep the scratch VMs this long after the run ends (0 removes them at once).</summary>
    public int KeepScratchMinutes { get; set; }

    /// <summary>Drill: when the scratch VMs are due for removal; null until the run ends.</summary>
    public DateTimeOffset? ScratchRemoveAt { get; set; }

    /// <summary>Drill: when they were removed; null while they exist.</summary>
    public DateTimeOffset? ScratchRemovedAt { get; set; }

    public List<DrRunGroup> Groups { get; set; } = [];
    public List<DrTask> Tasks { get; set; } = [];

    public bool IsFinished => Status is DrRunStatus.Succeeded or DrRunStatus.PartlySucceeded or DrRunStatus.Failed or DrRunStatus.Cancelled;

    /// <summary>The measured recovery time of the run: from its start until the last VM passed its check; null until then.</summary>
    public TimeSpan? RecoveryTime =>
        StartedAt is { } start && Tasks.Count > 0 && Tasks.All(t => t.CheckPassedAt is not null)
            ? Tasks.Max(t => t.CheckPassedAt!.Value) - start
            : null;

    public static DrTaskKind TaskKindOf(DrRunKind kind) => kind switch
    {
        DrRunKind.Drill => DrTaskKind.Drill,
        DrRunKind.PlannedFailover => DrTaskKind.PlannedFailover,
        DrRunKind.DisasterFailover => DrTaskKind.DisasterFailover,
        DrRunKind.Failback => DrTaskKind.Failback,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
