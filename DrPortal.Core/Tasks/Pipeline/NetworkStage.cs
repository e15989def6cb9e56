using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Puts the restored VM's NICs where the run wants them before its first start (a drill: isolated; a failover: the
/// failover mapping; a failback: the primary's own networks), and reads the configuration back. A network missing on
/// the host fails here, before the VM ever starts, naming it and the ones that exist.
/// </summary>
public sealed class NetworkStage : ITaskStage
{
    public StageName Name => StageName.Network;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (task, host, driver, vm, label) = (context.Task, context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        var ct = context.Cancellation;
        var nics = await driver.ListNicsAsync(host, vm, ct);
        var mapping = NetworkMappings.For(task.Kind, context.Pair, nics);
        if (mapping.Count == 0)
        {
            return StageResult.Skipped(nics.Count == 0
                ? $"{label} has no network interfaces."
                : $"No mapping: {label} keeps the networks it was restored with ({string.Join("; ", nics.Select(NetworkMappings.Describe))}).");
        }
        if (!driver.Profile.Capabilities.HasFlag(DriverCapabilities.NetworkMapping))
        {
            throw new StageFailedException($"{driver.Profile.DisplayName} hosts cannot map networks; {label} is left stopped.");
        }
        var networks = await driver.ListNetworksAsync(host, ct);
        var problems = NetworkMappings.Problems(task.Kind, mapping, networks, host.Name);
        if (problems.Count > 0)
        {
            throw new StageFailedException($"Network mapping of {label} refused, nothing changed: {string.Join(" ", problems)}");
        }
        if (await driver.GetStatusAsync(host, vm, ct) != VmPowerState.Stopped)
        {
            throw new StageFailedException($"{label} on {host.Name} is not stopped; its networks are only changed before its first start.");
        }
        var after = await driver.ApplyNetworkAsync(host, vm, mapping, ct);
        return StageResult.Done($"Networks of {label} on {host.Name}: {string.Join("; ", after.Select(NetworkMappings.Describe))}.");
    }
}
