using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Before the last copy of a planned failover (when asked) or of a failback: shuts the VM that is copied down
/// gracefully, so the copy holds everything it wrote and the two copies never run at once. Never forces a guest off.
/// </summary>
public sealed class ShutdownStage : ITaskStage
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public StageName Name => StageName.Shutdown;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var task = context.Task;
        var run = task.DrRunId is { } runId ? await context.Session.RunAsync(runId) : null;
        if (task.Kind == DrTaskKind.PlannedFailover && run?.ShutdownSources != true)
        {
            return StageResult.Skipped("The source VM is not shut down first (not asked); the pre-flight found it stopped.");
        }
        var (host, driver, vm, label) = (context.Source, context.SourceDriver, context.SourceVm, context.SourceVmLabel);
        if (await driver.GetStatusAsync(host, vm, context.Cancellation) == VmPowerState.Stopped)
        {
            return StageResult.Done($"{label} on {host.Name} is already stopped.");
        }
        context.Log($"Shutting {label} on {host.Name} down gracefully (up to {Timeout.TotalMinutes:0} min, never forced).");
        await driver.ShutdownAsync(host, vm, Timeout, context.Cancellation);
        return StageResult.Done($"{label} on {host.Name} shut down.");
    }
}
