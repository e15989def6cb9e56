namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// A run starts its VMs group by group: this waits until the VM's group is released (the group before it passed its
/// checks or timed out, and the pre-hook ran), then for the VM's own delay. While its group is held the task parks and
/// gives its thread up; the run queues it again on release.
/// </summary>
public sealed class AwaitTurnStage : ITaskStage
{
    public StageName Name => StageName.AwaitTurn;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var task = context.Task;
        if (task.DrRunId is not { } runId || task.RunGroupPosition is not { } position)
        {
            return StageResult.Skipped("Not part of a run.");
        }
        var group = await context.Session.RunGroupAsync(runId, position) ?? throw new StageFailedException($"Group {position + 1} of run #{runId} does not exist.");
        if (group.ReleasedAt is not { } released)
        {
            return StageResult.Park($"Ready; waiting for {group.Title} of run #{runId} to be released.");
        }
        var due = released + TimeSpan.FromSeconds(task.DelaySeconds);
        if (due > context.Clock.UtcNow)
        {
            context.Log($"{group.Title} was released at {released:HH:mm:ss} UTC; this VM waits its delay of {task.DelaySeconds} s.");
            await Task.Delay(due - context.Clock.UtcNow, context.Cancellation);
        }
        return StageResult.Done($"{group.Title} released at {released:HH:mm:ss} UTC{(task.DelaySeconds > 0 ? $", after a delay of {task.DelaySeconds} s" : "")}.");
    }
}
