using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// The pre-flight of one VM of a drill, failover or failback: everything that can be known before anything changes,
/// including the network mapping against the networks the host really has. A disaster failover and a drill never ask
/// a primary host. Chooses (and records) the point a drill or disaster failover starts from, and the free VM a drill
/// or a failback into a new VM restores into.
/// </summary>
internal static class RunPreflight
{
    public static async Task<StageResult> RunAsync(TaskContext context)
    {
        var (task, pair) = (context.Task, context.Pair);
        var run = task.DrRunId is { } runId ? await context.Session.RunAsync(runId) : null;
        if (run is null)
        {
            throw new StageFailedException("The run of this task no longer exists.");
        }
        var notes = new List<string>();
        switch (task.Kind)
        {
            case DrTaskKind.Drill:
                await ChoosePointAsync(context, notes);
                await ClaimFreeVmAsync(context, $"{pair.TargetVm}-r{run.Id}", notes);
                break;
            case DrTaskKind.DisasterFailover:
                await ChoosePointAsync(context, notes);
                await ReportAsync(context, DrTaskKind.Restore, notes);
                break;
            case DrTaskKind.PlannedFailover:
                await ReportAsync(context, DrTaskKind.Replicate, notes);
                var state = await context.SourceDriver.GetStatusAsync(context.Source, context.SourceVm, context.Cancellation);
                if (state != VmPowerState.Stopped && !run.ShutdownSources)
                {
                    throw new StageFailedException($"{context.SourceVmLabel} runs on {context.Source.Name}: starting the replica beside it would put two copies on the network. " +
                                                   "Shut it down first, or fail over with 'shut down the source VMs'.");
                }
                break;
            case DrTaskKind.Failback:
                if (!await context.SourceDriver.VmExistsAsync(context.Source, context.SourceVm, context.Cancellation))
                {
                    throw new StageFailedException($"The recovery VM {context.SourceVmLabel} does not exist on {context.Source.Name}; there is nothing to fail back.");
                }
                if (run.FailbackTarget == FailbackTarget.NewVm)
                {
                    await ClaimFreeVmAsync(context, $"{pair.SourceVm}-back{run.Id}", notes);
                }
                else
                {
                    var facts = await ReplicaTargetFacts.ReadAsync(context.TargetDriver, context.Target, context.TargetVm, context.Cancellation);
                    var (fate, message) = RunTargetRules.Decide(task.Kind, pair, ownMaking: false, context.Target.Name, context.TargetVmLabel, facts);
                    if (fate == TargetFate.Refused)
                    {
                        throw new StageFailedException(message);
                    }
                    notes.Add(message);
                }
                break;
            default:
                throw new StageFailedException($"A {task.Kind} task is not part of a run.");
        }
        await CheckNetworksAsync(context, notes);
        return StageResult.Done(string.Join(" ", notes));
    }

    /// <summary>The newest verified point of the primary VM: what a drill proves and a disaster failover starts from.</summary>
    private static async Task ChoosePointAsync(TaskContext context, List<string> notes)
    {
        var (task, pair) = (context.Task, context.Pair);
        var point = task.ArchiveId is { } chosen
            ? await context.Session.FindArchiveAsync(chosen)
            : await context.Session.NewestVerifiedAsync(pair.Id, fromHost: pair.SourceHypervisorId);
        if (point is null)
        {
            throw new StageFailedException($"Pair #{pair.Id} has no verified restore point of {pair.SourceHypervisor?.Name}/{pair.SourceVm} to start from.");
        }
        task.ArchiveId = point.Id;
        task.PointCreatedAt = point.CreatedAt;
        await context.SaveAsync();
        notes.Add($"Starts from {point.Label}, made {point.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC ({Age(context.Clock.UtcNow - point.CreatedAt)} old).");
    }

    /// <summary>A VM free on the target host that no other unfinished run has claimed; chosen once, under the host's lock.</summary>
    private static async Task ClaimFreeVmAsync(TaskContext context, string hint, List<string> notes)
    {
        var (task, host, driver) = (context.Task, context.Target, context.TargetDriver);
        if (task.ScratchVm is null)
        {
            using var held = await context.AcquireHostAsync(host);
            var claimed = await context.Session.ClaimedVmsAsync(host.Id);
            var vm = await driver.FreeScratchVmAsync(host, hint, claimed, context.Cancellation);
            task.ScratchVm = vm.Value;
            await context.SaveAsync();
        }
        notes.Add($"Restores into {context.TargetVmLabel} on {host.Name}, free when chosen; {context.Pair.TargetVm} is never touched.");
    }

    private static async Task ReportAsync(TaskContext context, DrTaskKind asKind, List<string> notes) =>
        notes.Add((await PreflightStage.CheckAsync(context, asKind)).TargetSummary);

    /// <summary>The mapping's networks must exist on the host the VM starts on (and a drill's be isolated) before anything changes.</summary>
    private static async Task CheckNetworksAsync(TaskContext context, List<string> notes)
    {
        var (task, host, driver) = (context.Task, context.Target, context.TargetDriver);
        var nics = task.Kind == DrTaskKind.Failback ? [] : context.Pair.SourceNics;
        var mapping = NetworkMappings.For(task.Kind, context.Pair, nics);
        if (mapping.Count == 0)
        {
            return;
        }
        var networks = await driver.ListNetworksAsync(host, context.Cancellation);
        var problems = NetworkMappings.Problems(task.Kind, mapping, networks, host.Name);
        if (problems.Count > 0)
        {
            throw new StageFailedException($"Network mapping refused before anything changed: {string.Join(" ", problems)}");
        }
        notes.Add($"The networks it maps to exist on {host.Name}.");
    }

    private static string Age(TimeSpan age) =>
        age.TotalHours >= 1 ? $"{age.TotalHours:0.0} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0} min" : $"{age.TotalSeconds:0} s";
}
