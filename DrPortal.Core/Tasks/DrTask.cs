using DrPortal.Core.Pairs;

namespace DrPortal.Core.Tasks;

/// <summary>
/// A backup, restore or replication of one VM pair. The row exists before anything runs; the executor
/// only ever receives its id. Working state that later stages need (the restore point) is stored on the
/// row as each stage ends, which is what makes stages resumable.
/// </summary>
public sealed class DrTask
{
    public const int ErrorMaxLength = 2000;
    public const int OutputMaxLength = 8000;
    public const int VerifyingMaxLength = 200;

    public long Id { get; set; }
    public DrTaskKind Kind { get; set; }
    /// <summary>The pair; null once the pair was deleted (the task's history stays, labelled by <see cref="PairLabel"/>).</summary>
    public int? VmPairId { get; set; }

    public VmPair? VmPair { get; set; }

    /// <summary>"pve-dc1/100 → pve-dr1/9100" as it was when the task was requested.</summary>
    public string PairLabel { get; set; } = "";
    public DrTaskStatus Status { get; set; }
    public StageName? CurrentStage { get; set; }

    /// <summary>Progress of the current stage, 0–100.</summary>
    public double Percent { get; set; }

    public long BytesDone { get; set; }
    public long? BytesTotal { get; set; }

    /// <summary>Bytes per second of the current transfer, when known.</summary>
    public double? Throughput { get; set; }

    /// <summary>
    /// What the current stage is checking with SHA-256 while it hashes ("the repository copy"), null otherwise. Hashing
    /// reports no progress, so the page shows this instead of a bar stuck at 100 % with a made-up time left.
    /// </summary>
    public string? Verifying { get; set; }

    public string RequestedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Why the task failed, in words an administrator can act on.</summary>
    public string? Error { get; set; }

    /// <summary>The last output lines of the command that failed.</summary>
    public string? ErrorOutput { get; set; }

    /// <summary>The schedule that queued the task; null when a user requested it.</summary>
    public int? ScheduleId { get; set; }

    /// <summary>Queued at start-up for a scheduled slot the portal was down for.</summary>
    public bool IsCatchUp { get; set; }

    public int WarningCount { get; set; }
    public bool CancelRequested { get; set; }

    /// <summary>
    /// "pairId:kind" while the task is queued or running, null once finished. A unique index on it makes
    /// "one active task per pair and kind" a database guarantee rather than a check that can race.
    /// </summary>
    public string? ActiveKey { get; set; }

    /// <summary>The archive this task produced (Backup, Replicate) or restores (Restore).</summary>
    public long? ArchiveId { get; set; }

    /// <summary>How many times the executor picked the task up (more than one after a restart).</summary>
    public int Attempts { get; set; }

    /// <summary>Whether a VM existed at the target VMID before this task restored over it; decided once, before the first restore attempt.</summary>
    public bool? TargetExistedBefore { get; set; }

    public List<DrTaskStage> Stages { get; set; } = [];

    /// <summary>The drill, failover or failback this task is one VM of; null for a plain task.</summary>
    public long? DrRunId { get; set; }

    public Recovery.DrRun? DrRun { get; set; }

    /// <summary>The position of the VM's group in its run.</summary>
    public int? RunGroupPosition { get; set; }

    /// <summary>Seconds after its group's release before this VM starts.</summary>
    public int DelaySeconds { get; set; }

    /// <summary>A drill's scratch VM on the recovery host (chosen free when the run began); the pair's target is never touched.</summary>
    public string? ScratchVm { get; set; }

    /// <summary>The identity the scratch VM got when this task restored it: only a VM carrying it is removed afterwards.</summary>
    public string? ScratchIdentity { get; set; }

    /// <summary>When the restore point the VM was started from was made (its data age is measured from it).</summary>
    public DateTimeOffset? PointCreatedAt { get; set; }

    /// <summary>When the hypervisor first reported the VM running.</summary>
    public DateTimeOffset? RunningAt { get; set; }

    /// <summary>When the VM passed its boot check; null while not (yet).</summary>
    public DateTimeOffset? CheckPassedAt { get; set; }

    /// <summary>What the boot check found, check by check.</summary>
    public string? CheckResult { get; set; }

    public const int CheckResultMaxLength = 1000;

    /// <summary>Whether the task copies from the recovery site back to the primary one (the pair reversed).</summary>
    public bool IsReversed => Kind == DrTaskKind.Failback;

    /// <summary>One of a run's VMs rather than a plain backup, restore or replication.</summary>
    public bool IsRunMember => Kind is DrTaskKind.Drill or DrTaskKind.PlannedFailover or DrTaskKind.DisasterFailover or DrTaskKind.Failback;

    /// <summary>
    /// Failovers and failbacks of a pair share one key (only one may move its service at a time); drills have their own,
    /// so a drill may run beside a replication of the same pair.
    /// </summary>
    public static string ActiveKeyFor(int pairId, DrTaskKind kind) =>
        $"{pairId.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{(kind is DrTaskKind.PlannedFailover or DrTaskKind.DisasterFailover or DrTaskKind.Failback ? "Switchover" : kind.ToString())}";

    /// <summary>The stages a kind of task runs, in order.</summary>
    public static IReadOnlyList<StageName> PlanFor(DrTaskKind kind) => kind switch
    {
        DrTaskKind.Backup => [StageName.Preflight, StageName.Backup, StageName.Pull, StageName.Cleanup],
        DrTaskKind.Restore => [StageName.Preflight, StageName.Push, StageName.Restore, StageName.Start, StageName.Cleanup],
        DrTaskKind.Replicate => [StageName.Preflight, StageName.Backup, StageName.Pull, StageName.Push, StageName.Restore, StageName.Start, StageName.Cleanup],
        DrTaskKind.Drill => [StageName.Preflight, StageName.Push, StageName.Restore, StageName.Network, StageName.AwaitTurn, StageName.Start, StageName.BootCheck],
        DrTaskKind.PlannedFailover or DrTaskKind.Failback =>
            [StageName.Preflight, StageName.Shutdown, StageName.Backup, StageName.Pull, StageName.Push, StageName.Restore, StageName.Network, StageName.AwaitTurn, StageName.Start, StageName.BootCheck],
        DrTaskKind.Verify => [StageName.Verify],
        DrTaskKind.DisasterFailover => [StageName.Preflight, StageName.Push, StageName.Restore, StageName.Network, StageName.AwaitTurn, StageName.Start, StageName.BootCheck],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static DrTask Create(DrTaskKind kind, VmPair pair, string requestedBy, DateTimeOffset now, long? archiveId = null)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (kind == DrTaskKind.Restore && archiveId is null)
        {
            throw new ArgumentException("A restore needs the archive to restore.", nameof(archiveId));
        }
        var task = new DrTask
        {
            Kind = kind,
            VmPairId = pair.Id,
            PairLabel = pair.Describe(),
            Status = DrTaskStatus.Queued,
            RequestedBy = requestedBy,
            CreatedAt = now,
            ArchiveId = archiveId,
            ActiveKey = ActiveKeyFor(pair.Id, kind),
        };
        var position = 0;
        foreach (var name in PlanFor(kind))
        {
            task.Stages.Add(new DrTaskStage { Name = name, Position = position++, Status = StageStatus.Pending });
        }
        return task;
    }

    public bool IsFinished => Status.IsFinished();

    /// <summary>The first stage that has not finished successfully, in plan order; null when all are done.</summary>
    public DrTaskStage? NextStage() =>
        Stages.OrderBy(s => s.Position).FirstOrDefault(s => !s.Status.IsDone());

    public DrTaskStage Stage(StageName name) => Stages.Single(s => s.Name == name);

    public void MarkStarted(DateTimeOffset now)
    {
        Attempts++;
        StartedAt ??= now;
        Status = DrTaskStatus.Running;
    }

    public void BeginStage(DrTaskStage stage, DateTimeOffset now)
    {
        stage.Status = StageStatus.Running;
        stage.StartedAt ??= now;
        stage.AttemptStartedAt = now;
        stage.Attempts++;
        stage.FinishedAt = null;
        CurrentStage = stage.Name;
        Status = DrTaskStatus.Running;
        Percent = 0;
        BytesDone = 0;
        BytesTotal = null;
        Throughput = null;
        Verifying = null;
    }

    public void EndStage(DrTaskStage stage, StageStatus status, DateTimeOffset now, string? message = null)
    {
        stage.Status = status;
        stage.FinishedAt = now;
        stage.Message = Common.TextRules.Shorten(message, 500);
        if (status == StageStatus.SucceededWithWarnings)
        {
            WarningCount++;
        }
    }

    public void Succeed(DateTimeOffset now)
    {
        Finish(WarningCount > 0 ? DrTaskStatus.SucceededWithWarnings : DrTaskStatus.Succeeded, now);
        Percent = 100;
    }

    public void Fail(string reason, IEnumerable<string>? output, DateTimeOffset now)
    {
        Error = Common.TextRules.Shorten(reason, ErrorMaxLength);
        ErrorOutput = output is null ? null : Common.TextRules.Shorten(string.Join('\n', output), OutputMaxLength);
        foreach (var stage in Stages.Where(s => s.Status == StageStatus.Running))
        {
            stage.Status = StageStatus.Failed;
            stage.FinishedAt = now;
            stage.Message ??= Common.TextRules.Shorten(reason, 500);
        }
        Finish(DrTaskStatus.Failed, now);
    }

    public void Cancel(string reason, DateTimeOffset now)
    {
        Error = Common.TextRules.Shorten(reason, ErrorMaxLength);
        foreach (var stage in Stages.Where(s => s.Status is StageStatus.Running or StageStatus.Pending))
        {
            stage.FinishedAt = stage.Status == StageStatus.Running ? now : null;
            stage.Status = StageStatus.Cancelled;
        }
        Finish(DrTaskStatus.Cancelled, now);
    }

    /// <summary>
    /// Queues a failed task again. It resumes at the stage that failed: what earlier stages produced is kept,
    /// and a transfer continues from the data it already moved.
    /// </summary>
    public void Retry(string requestedBy)
    {
        if (Status != DrTaskStatus.Failed)
        {
            throw new InvalidOperationException($"Only a failed task can be retried; this one is {Status}.");
        }
        foreach (var stage in Stages.Where(s => s.Status == StageStatus.Failed))
        {
            stage.Status = StageStatus.Pending;
            stage.FinishedAt = null;
            stage.Message = null;
        }
        Status = DrTaskStatus.Queued;
        Error = null;
        ErrorOutput = null;
        FinishedAt = null;
        CancelRequested = false;
        ActiveKey = ActiveKeyFor(VmPairId ?? throw new InvalidOperationException("The task's pair was deleted."), Kind);
        RequestedBy = requestedBy;
    }

    private void Finish(DrTaskStatus status, DateTimeOffset now)
    {
        Status = status;
        FinishedAt = now;
        ActiveKey = null;
        CurrentStage = null;
        Throughput = null;
        Verifying = null;
    }
}
