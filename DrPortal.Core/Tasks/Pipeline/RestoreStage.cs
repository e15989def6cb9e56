using DrPortal.Core.Archives;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Restores the point (with its chain) into the pair's target. An existing VM is replaced only when the pair's rules
/// allow it, asked again right before it is touched; if replacing fails, the previous good point goes back so the
/// recovery site keeps a VM; if creating fails, what the failed restore left at the free target is removed.
/// </summary>
public sealed class RestoreStage : ITaskStage
{
    public StageName Name => StageName.Restore;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (task, pair, target, driver) = (context.Task, context.Pair, context.Target, context.TargetDriver);
        var archive = await context.ArchiveAsync();
        var chain = await context.Session.ChainAsync(archive);
        var vm = context.TargetVm;
        var label = context.TargetVmLabel;
        using var hostLock = await context.AcquireHostAsync(target);

        var facts = await ReplicaTargetFacts.ReadAsync(driver, target, vm, context.Cancellation);
        if (task.Kind == DrTaskKind.DisasterFailover && pair.ReplicaArchiveId == archive.Id && facts.Exists
            && facts.Identity is not null && facts.Identity == pair.ReplicaIdentity)
        {
            task.PointCreatedAt = archive.CreatedAt;
            await context.SaveAsync();
            return StageResult.Skipped($"{label} on {target.Name} already holds {archive.Label}, the newest verified restore point: started as it is.");
        }
        if (!interrupted || task.TargetExistedBefore is null)
        {
            // Asked again right before touching it: hours may have passed since the pre-flight check (a failover?).
            // After an interruption the VM may be our own half-restored one, so the decision of the lost attempt stands.
            var (fate, message) = task.IsRunMember
                ? RunTargetRules.Decide(task.Kind, pair, context.TargetIsOwnMaking, target.Name, label, facts)
                : ReplicaTargetRules.Decide(pair, target.Name, facts);
            if (fate == TargetFate.Refused)
            {
                throw new StageFailedException(message);
            }
            context.Log(message);
            task.TargetExistedBefore = facts.Exists;
            await context.SaveAsync();
        }
        if (interrupted)
        {
            context.Log($"The previous restore attempt was interrupted; restoring {archive.Label} again over {label}.");
            await context.StopLeftoversAsync(driver, target, StageName.Restore);
        }
        if (facts.Exists)
        {
            context.Log($"Stopping {label} on {target.Name} before replacing it.");
            await driver.StopAsync(target, vm, context.Cancellation);
        }
        try
        {
            var request = new RestoreRequest(chain.Select(RestorePointInfo.Of).ToList(), vm, Force: facts.Exists, target.RestoreStorage);
            var outcome = await driver.RestoreAsync(target, request, context.Reporter, context.Cancellation);
            await RecordRestoredAsync(context, archive);
            return StageResult.Done($"{label} on {target.Name} restored from {archive.Label}.", outcome.Warnings.Count > 0);
        }
        catch (HypervisorCommandException ex) when (task.TargetExistedBefore == true)
        {
            var fallback = await RestorePreviousAsync(context, archive);
            throw new StageFailedException($"Restore of {archive.Label} into {label} on {target.Name} failed: {ex.Message} {fallback}", ex.LastLines);
        }
        catch (HypervisorCommandException ex) when (task.TargetExistedBefore == false)
        {
            var cleanup = await RemoveFailedRestoreAsync(context);
            throw new StageFailedException($"Restore of {archive.Label} into {label} on {target.Name} failed: {ex.Message} {cleanup}", ex.LastLines);
        }
    }

    /// <summary>
    /// What was restored is recorded: a scratch or new VM by the identity that lets its run remove (or keep) only it; the
    /// pair's replica by the identity that lets the next run replace it, and by the point it holds.
    /// </summary>
    private static async Task RecordRestoredAsync(TaskContext context, Archive point)
    {
        var task = context.Task;
        task.PointCreatedAt = point.CreatedAt;
        if (context.TargetIsOwnMaking)
        {
            task.ScratchIdentity = await context.TargetDriver.GetVmIdentityAsync(context.Target, context.TargetVm, CancellationToken.None);
            await context.SaveAsync();
            context.Log($"{context.TargetVmLabel} on {context.Target.Name} was made by this task ({task.ScratchIdentity ?? "no identity"}).");
            return;
        }
        if (task.IsReversed)
        {
            await context.SaveAsync();
            return;
        }
        context.Pair.ReplicaArchiveId = point.Id;
        await RecordReplicaAsync(context);
    }

    /// <summary>The replica now at the target is this pair's: its identity is what lets the next run replace it.</summary>
    private static async Task RecordReplicaAsync(TaskContext context)
    {
        var (pair, target) = (context.Pair, context.Target);
        pair.ReplicaIdentity = await context.TargetDriver.GetVmIdentityAsync(target, context.TargetVm, CancellationToken.None);
        await context.SaveAsync();
        context.Log(pair.ReplicaIdentity is null
            ? $"{context.TargetVmLabel} on {target.Name} reports no identity: the next run will treat it as a VM the pair did not create."
            : $"Recorded {context.TargetVmLabel} on {target.Name} as this pair's replica ({pair.ReplicaIdentity}).");
    }

    /// <summary>
    /// A restore into a free target that fails may leave something behind that keeps the target taken (Proxmox: a stub
    /// configuration). The target was free before this task, so that is ours to remove, and the next run can create the VM.
    /// </summary>
    private static async Task<string> RemoveFailedRestoreAsync(TaskContext context)
    {
        var (target, driver, vm, label) = (context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        try
        {
            if (!await driver.VmExistsAsync(target, vm, CancellationToken.None))
            {
                return $"{label} was free before and is still free.";
            }
            await driver.StopAsync(target, vm, CancellationToken.None);
            await driver.DestroyAsync(target, vm, CancellationToken.None);
            return $"What the failed restore left at {label} (free before this task) was removed.";
        }
#pragma warning disable CA1031 // Both failures are reported together.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"What the failed restore left at {label} could not be removed ({ex.Message}); remove it on {target.Name} before the next run.";
        }
    }

    /// <summary>After a failed restore over an existing VM, puts the pair's previous good point back so the recovery site keeps a VM.</summary>
    private static async Task<string> RestorePreviousAsync(TaskContext context, Archive failed)
    {
        var (target, driver, vm, label) = (context.Target, context.TargetDriver, context.TargetVm, context.TargetVmLabel);
        // The previous state of the VM being replaced: points of the VM it copies (forward), or of itself (a failback).
        var previous = await context.Session.NewestVerifiedAsync(context.Pair.Id, except: failed.Id, notAfter: failed.CreatedAt,
            fromHost: context.Task.IsReversed ? target.Id : context.Source.Id);
        if (previous is null)
        {
            return $"No earlier restore point of this pair exists to fall back to; check {label} on {target.Name}.";
        }
        context.Log($"Falling back: restoring the previous restore point {previous.Label} so {target.Name} keeps {label}.");
        try
        {
            var chain = await context.Session.ChainAsync(previous);
            await PushStage.DeliverAsync(context, chain);
            await context.SaveAsync();
            await driver.RestoreAsync(target, new RestoreRequest(chain.Select(RestorePointInfo.Of).ToList(), vm, Force: true, target.RestoreStorage),
                context.Reporter, CancellationToken.None);
            if (!context.Task.IsReversed)
            {
                context.Pair.ReplicaArchiveId = previous.Id;
                await RecordReplicaAsync(context);
            }
            return $"The previous restore point {previous.Label} was restored instead, so {label} is back at that state.";
        }
#pragma warning disable CA1031 // Both failures are reported together.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return $"Restoring the previous restore point {previous.Label} also failed: {ex.Message}";
        }
    }
}
