namespace DrPortal.Core.Recovery;

/// <summary>What a user asks of a drill, failover or failback.</summary>
/// <param name="Confirm">A failover or failback must repeat the plan's name exactly (typed, not clicked).</param>
/// <param name="ShutdownSources">Planned failover: shut the source VMs down gracefully before their last replication.</param>
/// <param name="KeepScratchMinutes">Drill: keep the scratch VMs this long after the run (0 removes them at once).</param>
/// <param name="FailbackTarget">Failback: over the original VM or into a new one.</param>
/// <param name="ConfirmOverwrite">Failback over the original VMs: true confirms that they are replaced.</param>
public sealed record DrRunRequest(
    string? Confirm = null,
    bool ShutdownSources = false,
    int KeepScratchMinutes = 0,
    FailbackTarget FailbackTarget = FailbackTarget.Original,
    bool ConfirmOverwrite = false);
