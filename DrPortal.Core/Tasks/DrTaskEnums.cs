namespace DrPortal.Core.Tasks;

/// <summary>What a task does for a pair: back up, restore a chosen archive, or both in one run.</summary>
public enum DrTaskKind
{
    Backup,
    Restore,
    Replicate,
}

public enum DrTaskStatus
{
    Queued,
    Running,
    WaitingForHost,
    Succeeded,
    SucceededWithWarnings,
    Failed,
    Cancelled,
}

/// <summary>The stages of the data path, in the order they run (see DESIGN.md "A recovery task").</summary>
public enum StageName
{
    /// <summary>Checks both sites before anything is touched (source VM, host keys, the target, free space).</summary>
    Preflight,
    Backup,
    Pull,
    Push,
    Restore,
    Start,
    Cleanup,
}

public enum StageStatus
{
    Pending,
    Running,
    Succeeded,
    SucceededWithWarnings,
    Failed,
    Skipped,
    Cancelled,
}

public static class DrTaskStatusExtensions
{
    public static bool IsFinished(this DrTaskStatus status) =>
        status is DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings or DrTaskStatus.Failed or DrTaskStatus.Cancelled;

    public static bool IsDone(this StageStatus status) =>
        status is StageStatus.Succeeded or StageStatus.SucceededWithWarnings or StageStatus.Skipped;
}
