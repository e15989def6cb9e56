using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>Starts the replica as the pair says (never, with its links down, or connected) and waits until it runs.</summary>
public sealed class StartStage : ITaskStage
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public StageName Name => StageName.Start;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (pair, target, driver, vm, label) = (context.Pair, context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        if (context.Task.IsRunMember)
        {
            return await StartRunMemberAsync(context);
        }
        if (pair.ReplicaStart == ReplicaStart.Off)
        {
            return StageResult.Skipped("Left stopped: this pair does not start its replica (failover starts it).");
        }
        var ct = context.Cancellation;
        if (await driver.GetStatusAsync(target, vm, ct) != VmPowerState.Running)
        {
            if (pair.ReplicaStart == ReplicaStart.LinksDown)
            {
                // The replica has the primary's MACs and addresses: with its links down it boots but cannot meet the primary.
                var nics = await driver.SetNetworkLinksAsync(target, vm, up: false, ct);
                context.Log(nics.Count == 0
                    ? $"{label} has no network interfaces."
                    : $"Network links of {label} set down before starting it: {string.Join(", ", nics)} (MAC addresses kept).");
            }
            await driver.StartAsync(target, vm, ct);
        }
        var deadline = context.Clock.UtcNow + StartTimeout;
        while (true)
        {
            var state = await driver.GetStatusAsync(target, vm, ct);
            if (state == VmPowerState.Running)
            {
                return StageResult.Done(pair.ReplicaStart == ReplicaStart.LinksDown
                    ? $"{label} is running on {target.Name} with its network links down."
                    : $"{label} is running on {target.Name}, connected.");
            }
            if (context.Clock.UtcNow > deadline)
            {
                throw new StageFailedException($"{label} on {target.Name} did not reach 'running' within {StartTimeout.TotalSeconds:0} s (status: {state}).");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>A drill, failover or failback starts its VM on the networks the Network stage set, and records when it ran.</summary>
    private static async Task<StageResult> StartRunMemberAsync(TaskContext context)
    {
        var (task, target, driver, vm, label) = (context.Task, context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        var ct = context.Cancellation;
        if (await driver.GetStatusAsync(target, vm, ct) != VmPowerState.Running)
        {
            await driver.StartAsync(target, vm, ct);
        }
        var deadline = context.Clock.UtcNow + StartTimeout;
        while (true)
        {
            var state = await driver.GetStatusAsync(target, vm, ct);
            if (state == VmPowerState.Running)
            {
                task.RunningAt ??= context.Clock.UtcNow;
                await context.SaveAsync();
                return StageResult.Done($"{label} is running on {target.Name}.");
            }
            if (context.Clock.UtcNow > deadline)
            {
                throw new StageFailedException($"{label} on {target.Name} did not reach 'running' within {StartTimeout.TotalSeconds:0} s (status: {state}).");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }
}
