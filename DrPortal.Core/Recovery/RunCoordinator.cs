using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Notifications;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Core.Recovery;

/// <summary>
/// Drives a drill, failover or failback from its row, one look at a time, so a portal killed in the middle resumes
/// where the row says: groups are released in order (the previous group's VMs all passed their checks, or its
/// timeout ended; then its post-hook and this group's pre-hook ran), parked children are queued again on release,
/// and when every child has ended the run records what it changed (a pair failed over, failed back, drilled) and
/// removes a drill's scratch VMs, now or after the time it was asked to keep them.
/// </summary>
public sealed class RunCoordinator(IRunStore store, IJobQueue jobs, ITaskService tasks, HypervisorDrivers drivers, IRemoteShell shell, IAuditLog audit, IOperationalEvents events, IClock clock)
{
    private static readonly TimeSpan HookTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RemovalRetry = TimeSpan.FromMinutes(1);

    /// <param name="pickedUp">The first look of this portal at the run (after a request, or a restart): counted as an attempt.</param>
    public async Task<RunStep> StepAsync(long runId, bool pickedUp, CancellationToken ct)
    {
        await using var unit = await store.OpenAsync(runId);
        if (unit is null)
        {
            return RunStep.Done;
        }
        var run = unit.Run;
        var now = clock.UtcNow;
        if (run.IsFinished)
        {
            return await ScratchDueAsync(unit, ct);
        }
        if (run.Status == DrRunStatus.Queued || pickedUp)
        {
            run.Status = DrRunStatus.Running;
            run.StartedAt ??= now;
            run.Attempts += pickedUp ? 1 : 0;
            await unit.SaveAsync();
        }
        if (run.CancelRequested)
        {
            foreach (var child in run.Tasks.Where(t => !t.IsFinished && !t.CancelRequested))
            {
                await tasks.CancelAsync(child.Id, run.RequestedBy, CancellationToken.None);
            }
            if (run.Tasks.All(t => t.IsFinished))
            {
                await FinishAsync(unit, ct);
            }
            return RunStep.Again;
        }
        foreach (var group in run.Groups.OrderBy(g => g.Position))
        {
            var members = run.Tasks.Where(t => t.RunGroupPosition == group.Position).ToList();
            if (group.ReleasedAt is null)
            {
                if (!await ReleaseAsync(unit, group, members, ct))
                {
                    return RunStep.Again;
                }
            }
            foreach (var parked in members.Where(t => t.Status == DrTaskStatus.WaitingForTurn))
            {
                // Queued before it is handed over, so the next look does not hand it over twice.
                parked.Status = DrTaskStatus.Queued;
                await unit.SaveAsync();
                jobs.Enqueue(parked.Id);
            }
            if (group.SettledAt is null && !await SettleAsync(unit, group, members, ct))
            {
                // Later groups wait for this one.
                break;
            }
        }
        if (run.Groups.All(g => g.SettledAt is not null) && run.Tasks.All(t => t.IsFinished))
        {
            await FinishAsync(unit, ct);
            return await ScratchDueAsync(unit, ct);
        }
        return RunStep.Again;
    }

    /// <summary>Runs the group's pre-hook and releases it; false when the hook failed (the run then stops) .</summary>
    private async Task<bool> ReleaseAsync(IRunUnit unit, DrRunGroup group, List<DrTask> members, CancellationToken ct)
    {
        var run = unit.Run;
        if (group.PreHook is { } hook)
        {
            var (ok, said) = await RunHookAsync(unit, group, members, hook, ct);
            Note(group, $"Pre-hook {(ok ? "passed" : "FAILED")}: {said}");
            if (!ok)
            {
                run.Error = $"The pre-hook of {group.Title} failed, so its VMs were not started: {said}";
                run.CancelRequested = true;
                await unit.SaveAsync();
                return false;
            }
        }
        group.ReleasedAt = clock.UtcNow;
        Note(group, $"Released at {group.ReleasedAt:HH:mm:ss} UTC.");
        await unit.SaveAsync();
        return true;
    }

    /// <summary>Settles the group once all its VMs passed their checks or its timeout ended; false while it waits.</summary>
    private async Task<bool> SettleAsync(IRunUnit unit, DrRunGroup group, List<DrTask> members, CancellationToken ct)
    {
        var passed = members.All(t => t.CheckPassedAt is not null && t.IsFinished);
        var timedOut = clock.UtcNow >= group.ReleasedAt!.Value + TimeSpan.FromSeconds(group.TimeoutSeconds);
        // The last group has no one waiting for it: once all its VMs have ended, nothing more can pass. A group before
        // it keeps its timeout even then, which is the window an admin has to bring a failed VM up by hand.
        var lastAndEnded = group.Position == unit.Run.Groups.Max(g => g.Position) && members.All(t => t.IsFinished);
        if (!passed && !timedOut && !lastAndEnded)
        {
            return false;
        }
        if (!passed && timedOut)
        {
            group.TimedOut = true;
            var missing = members.Where(t => t.CheckPassedAt is null).Select(t => $"{t.PairLabel} ({(t.IsFinished ? t.Status.ToString().ToLowerInvariant() : "still " + (t.CurrentStage?.ToString() ?? t.Status.ToString()))})");
            Note(group, $"Timeout of {group.TimeoutSeconds} s ended; did not pass in time: {string.Join(", ", missing)}.");
        }
        if (group.PostHook is { } hook)
        {
            var (ok, said) = await RunHookAsync(unit, group, members, hook, ct);
            Note(group, $"Post-hook {(ok ? "passed" : "FAILED")}: {said}");
        }
        group.SettledAt = clock.UtcNow;
        await unit.SaveAsync();
        return true;
    }

    /// <summary>An admin's hook on the group's hook host (or its first VM's recovery host), with the run id as $1.</summary>
    private async Task<(bool Ok, string Said)> RunHookAsync(IRunUnit unit, DrRunGroup group, List<DrTask> members, string hook, CancellationToken ct)
    {
        Hypervisor? host = group.HookHypervisorId is { } id ? await unit.FindHostAsync(id) : null;
        host ??= members.Select(t => t.IsReversed ? t.VmPair?.SourceHypervisor : t.VmPair?.TargetHypervisor).FirstOrDefault(h => h is not null);
        if (host is null)
        {
            return (false, "no host to run it on.");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HookTimeout);
        try
        {
            var result = await shell.RunAsync(SshEndpoint.For(host), BootCheckCommands.Admin(hook, unit.Run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), timeout.Token);
            var said = (result.StandardOutput + result.StandardError).Trim();
            return (result.Succeeded, $"on {host.Name}, exit {result.ExitStatus}{(said.Length > 0 ? ": " + said[..Math.Min(said.Length, 500)] : "")}");
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (false, $"on {host.Name}: {(ex is OperationCanceledException ? $"no end within {HookTimeout.TotalMinutes:0} min" : ex.Message)}");
        }
    }

    private async Task FinishAsync(IRunUnit unit, CancellationToken ct)
    {
        var run = unit.Run;
        var now = clock.UtcNow;
        var succeeded = run.Tasks.Where(t => t.Status is DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings).ToList();
        foreach (var child in run.Tasks)
        {
            if (child.VmPair is not { } pair)
            {
                continue;
            }
            switch (run.Kind)
            {
                case DrRunKind.Drill:
                    pair.LastDrillAt = now;
                    pair.LastDrillPassed = succeeded.Contains(child);
                    pair.LastDrillRunId = run.Id;
                    break;
                case DrRunKind.PlannedFailover or DrRunKind.DisasterFailover when child.RunningAt is not null:
                    // Started on the recovery site: that copy is the service now, whatever its check said.
                    (pair.Direction, pair.FailedOverAt, pair.FailedOverRunId) = (PairDirection.FailedOver, now, run.Id);
                    break;
                case DrRunKind.Failback when child.RunningAt is not null:
                    (pair.Direction, pair.FailedOverAt, pair.FailedOverRunId) = (PairDirection.Protected, null, null);
                    if (child.ScratchVm is { } newVm)
                    {
                        // The service came home into a new VM: that is the one the pair protects from now on.
                        (pair.SourceVm, pair.SourceVmUuid, pair.SourceVmName) = (newVm, null, null);
                    }
                    break;
            }
        }
        run.Status = run.CancelRequested ? DrRunStatus.Cancelled
            : succeeded.Count == run.Tasks.Count && !run.Groups.Any(g => g.TimedOut) ? DrRunStatus.Succeeded
            : succeeded.Count == 0 ? DrRunStatus.Failed
            : DrRunStatus.PartlySucceeded;
        var failed = run.Tasks.Except(succeeded).ToList();
        if (run.Error is null && failed.Count > 0)
        {
            run.Error = $"{succeeded.Count} of {run.Tasks.Count} VMs made it. " + string.Join(" ", failed.Select(t => $"{t.PairLabel}: {t.Error ?? t.Status.ToString()}"));
            run.Error = TextRules.Shorten(run.Error, DrTask.ErrorMaxLength);
        }
        run.FinishedAt = now;
        if (run.Kind == DrRunKind.Drill)
        {
            run.ScratchRemoveAt = run.CancelRequested ? now : now + TimeSpan.FromMinutes(run.KeepScratchMinutes);
        }
        await unit.SaveAsync();
        var recovery = run.RecoveryTime is { } rto ? $", measured RTO {rto.TotalSeconds:0.0} s" : "";
        await audit.RecordAsync(run.RequestedBy, $"finish-{run.Kind.ToString().ToLowerInvariant()}", "DrRun", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{run.Kind} #{run.Id} of '{run.Label}' ended {run.Status}: {succeeded.Count} of {run.Tasks.Count} VMs{recovery}", null,
            new { Status = run.Status.ToString(), run.Error, Vms = run.Tasks.Select(t => new { t.Id, t.PairLabel, Status = t.Status.ToString(), t.CheckResult }) }, CancellationToken.None);
        if (run.Kind == DrRunKind.Drill && run.Status is DrRunStatus.Failed or DrRunStatus.PartlySucceeded)
        {
            // One event per failed VM, so rules on a pair or a host see the drill that failed there.
            foreach (var child in failed)
            {
                events.Publish(new OperationalEvent(OperationalEventKind.DrillFailed, EventSeverity.Error,
                    $"Drill #{run.Id} of '{run.Label}' failed for {child.PairLabel} ({succeeded.Count} of {run.Tasks.Count} VMs passed)",
                    now.UtcDateTime, child.Error ?? child.CheckResult ?? child.Status.ToString(), child.VmPairId, child.VmPair?.TargetHypervisorId, child.Id,
                    child.ErrorOutput?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(10).ToList()));
            }
        }
    }

    /// <summary>A finished drill's scratch VMs, once due: only VMs this run made (by the identity it recorded) are removed.</summary>
    private async Task<RunStep> ScratchDueAsync(IRunUnit unit, CancellationToken ct)
    {
        var run = unit.Run;
        if (run.Kind != DrRunKind.Drill || run.ScratchRemoveAt is not { } due || run.ScratchRemovedAt is not null)
        {
            return RunStep.Done;
        }
        if (due > clock.UtcNow)
        {
            return new RunStep(false, due);
        }
        var problems = new List<string>();
        var note = run.Groups.OrderBy(g => g.Position).First();
        foreach (var child in run.Tasks.Where(t => t.ScratchVm is not null))
        {
            var (retry, leftAlone) = await RemoveScratchAsync(child, ct);
            if (retry is not null)
            {
                problems.Add(retry);
            }
            if (leftAlone is not null)
            {
                Note(note, leftAlone);
            }
        }
        if (problems.Count == 0)
        {
            run.ScratchRemovedAt = clock.UtcNow;
            Note(note, $"Scratch VMs removed at {run.ScratchRemovedAt:HH:mm:ss} UTC.");
            await unit.SaveAsync();
            return RunStep.Done;
        }
        run.ScratchRemoveAt = clock.UtcNow + RemovalRetry;
        Note(note, $"Scratch VMs not all removed, tried again in {RemovalRetry.TotalMinutes:0} min: {string.Join(" ", problems)}");
        await unit.SaveAsync();
        return new RunStep(false, run.ScratchRemoveAt);
    }

    /// <returns>Retry: why it must be tried again; LeftAlone: a VM that is not this drill's and is never touched.</returns>
    private async Task<(string? Retry, string? LeftAlone)> RemoveScratchAsync(DrTask child, CancellationToken ct)
    {
        if (child.VmPair?.TargetHypervisor is not { } host)
        {
            return (null, $"{child.PairLabel}: the pair was deleted; remove {child.ScratchVm} by hand.");
        }
        var driver = drivers.For(host);
        var vm = VmRef.Of(child.ScratchVm!);
        try
        {
            var facts = await ReplicaTargetFacts.ReadAsync(driver, host, vm, ct);
            if (!facts.Exists)
            {
                return (null, null);
            }
            var ours = child.ScratchIdentity is not null ? facts.Identity == child.ScratchIdentity : child.TargetExistedBefore == false;
            if (!ours)
            {
                return (null, $"{child.ScratchVm} on {host.Name} is not the VM this drill made (identity {facts.Identity ?? "none"}); it is left alone.");
            }
            await driver.StopAsync(host, vm, ct);
            await driver.DestroyAsync(host, vm, ct);
            return (null, null);
        }
        catch (Exception ex) when (ex is HypervisorCommandException or RemoteConnectionException or HostKeyMismatchException)
        {
            return ($"{child.ScratchVm} on {host.Name}: {ex.Message}", null);
        }
    }

    private static void Note(DrRunGroup group, string line)
    {
        var log = string.IsNullOrEmpty(group.Log) ? line : group.Log + "\n" + line;
        group.Log = log.Length <= DrRunGroup.HookLogMaxLength ? log : log[^DrRunGroup.HookLogMaxLength..];
    }
}
