namespace DrPortal.Core.Tasks;

/// <summary>What a task does for a pair: back up, restore a chosen archive, or both in one run.</summary>
public enum DrTaskKind
{
    Backup,
    Restore,
    Replicate,

    /// <summary>A drill's copy of one VM: restored to a scratch VM on the drill network, started in plan order, checked.</summary>
    Drill,

    /// <summary>One VM of a planned failover: optional graceful shutdown of the source, a last replication, start, check.</summary>
    PlannedFailover,

    /// <summary>One VM of a disaster failover: the newest verified point already held, restored where newer, started, checked.</summary>
    DisasterFailover,

    /// <summary>One VM brought home: the recovery VM shut down and replicated back to the primary host, started there, checked.</summary>
    Failback,

    /// <summary>Re-hashes every copy of the pair's restore points (or of one) against the recorded SHA-256; only reads.</summary>
    Verify,
}

public enum DrTaskStatus
{
    Queued,
    Running,
    WaitingForHost,

    /// <summary>A child of a drill, failover or failback, ready to start its VM and waiting for its group's turn.</summary>
    WaitingForTurn,
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

    /// <summary>Shuts the VM that is about to be copied down gracefully (planned failover, failback), never forcing it.</summary>
    Shutdown,
    Backup,
    Pull,
    Push,
    Restore,

    /// <summary>Applies the network mapping (failover or drill) to the restored VM before it first starts.</summary>
    Network,

    /// <summary>Waits until the VM's group of its run may start (the previous group passed its checks or timed out).</summary>
    AwaitTurn,
    Start,

    /// <summary>Proves the started VM came up: stays running, guest agent, TCP port, command.</summary>
    BootCheck,
    Cleanup,

    /// <summary>Hashes the copies of restore points and records what it found of each (a verify task's only stage).</summary>
    Verify,
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
