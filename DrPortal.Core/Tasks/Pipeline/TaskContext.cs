using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>What every stage of one run of one task shares: the task and its pair, the hosts and their drivers, and the ports to the world.</summary>
public sealed class TaskContext
{
    public required DrTask Task { get; init; }
    public required ITaskSession Session { get; init; }
    public required ITaskReporter Reporter { get; init; }
    public required HypervisorDrivers Drivers { get; init; }
    public required IArchiveTransport Transport { get; init; }
    public required IArchiveRepository Repository { get; init; }
    public required IHostGate Hosts { get; init; }
    public required IPairPreflight Preflight { get; init; }
    public required ITaskFeed Feed { get; init; }
    public required IClock Clock { get; init; }

    /// <summary>Where a stage reports what an admin should be told (a verify's bad copy).</summary>
    public required Notifications.IOperationalEvents Events { get; init; }

    /// <summary>For boot checks and hooks that run on a recovery host (a TCP probe, an admin's command).</summary>
    public required Remote.IRemoteShell Shell { get; init; }
    public required CancellationToken Cancellation { get; init; }

    public VmPair Pair => Task.VmPair ?? throw new StageFailedException("The VM pair of this task was deleted.");
    /// <summary>Where the task copies from: the pair's source host, or its recovery host when a failback reverses the pair.</summary>
    public Hypervisor Source => Task.IsReversed ? PairTarget : PairSource;

    /// <summary>Where the task restores to: the pair's recovery host, or its source host when a failback reverses the pair.</summary>
    public Hypervisor Target => Task.IsReversed ? PairSource : PairTarget;

    private Hypervisor PairSource => Pair.SourceHypervisor ?? throw new InvalidOperationException("The pair's source host is not loaded.");
    private Hypervisor PairTarget => Pair.TargetHypervisor ?? throw new InvalidOperationException("The pair's target host is not loaded.");

    public IHypervisorDriver SourceDriver => DriverOf(Source);
    public IHypervisorDriver TargetDriver => DriverOf(Target);

    public VmRef SourceVm => VmRef.Of(Task.IsReversed ? Pair.TargetVm : Pair.SourceVm);

    /// <summary>
    /// The VM the task restores into: the pair's replica; a drill's scratch VM (never the replica); for a failback the
    /// original source VM or the new VM the task chose.
    /// </summary>
    public VmRef TargetVm => Task.Kind switch
    {
        DrTaskKind.Drill => VmRef.Of(Task.ScratchVm ?? throw new StageFailedException("The drill has no scratch VM yet.")),
        DrTaskKind.Failback => VmRef.Of(Task.ScratchVm ?? Pair.SourceVm),
        _ => VmRef.Of(Pair.TargetVm),
    };

    /// <summary>"VM 100" in the kind's words ("domain web01").</summary>
    public string TargetVmLabel => $"{TargetDriver.Profile.VmNoun} {TargetVm}";

    public string SourceVmLabel => $"{SourceDriver.Profile.VmNoun} {SourceVm}";

    /// <summary>Whether the restore goes into a VM the task itself chose free (a drill's scratch VM, a failback's new VM).</summary>
    public bool TargetIsOwnMaking => Task.Kind == DrTaskKind.Drill || (Task.Kind == DrTaskKind.Failback && Task.ScratchVm is not null);

    /// <summary>Where each file of a point lies (or will lie) on the task's target host, in the point's file order.</summary>
    public IReadOnlyList<string> TargetPathsOf(Archive point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return point.Files.Select(f => TargetDriver.StagingPathOf(Target, f.Name)).ToList();
    }

    public void Log(string line) => Reporter.Log(line);

    public Task SaveAsync() => Session.SaveAsync();

    /// <summary>The task's restore point, tracked.</summary>
    public async Task<Archive> ArchiveAsync()
    {
        if (Task.ArchiveId is not { } id)
        {
            throw new StageFailedException("The task has no restore point.");
        }
        return await Session.FindArchiveAsync(id) ?? throw new StageFailedException($"Restore point {id} no longer exists (was it deleted?).");
    }

    /// <summary>Takes the host for a heavy stage; while it waits the task says so.</summary>
    public async Task<IDisposable> AcquireHostAsync(Hypervisor host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var held = await Hosts.AcquireAsync(host, async () =>
        {
            Task.Status = DrTaskStatus.WaitingForHost;
            await SaveAsync();
            Log($"Waiting for {host.Name}: another task is using it.");
            Feed.Publish(TaskUpdate.Of(Task));
        }, Cancellation);
        if (Task.Status == DrTaskStatus.WaitingForHost)
        {
            Task.Status = DrTaskStatus.Running;
            await SaveAsync();
            Feed.Publish(TaskUpdate.Of(Task));
        }
        return held;
    }

    /// <summary>
    /// Before a stage runs again after the portal died in it: the host command of the lost attempt may still run (it
    /// holds the VM's lock, or writes the files the new attempt needs), so it is stopped and awaited first. Only the
    /// one process the stage recorded is stopped, by PID and start time; the driver refuses a VM process.
    /// </summary>
    public async Task StopLeftoversAsync(IHypervisorDriver driver, Hypervisor host, StageName stage)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(host);
        if (Task.Stage(stage).HostProcess is not { } process)
        {
            Log($"The interrupted attempt recorded no command on {host.Name}; nothing to stop.");
            return;
        }
        var stopped = await driver.StopLeftoverAsync(host, process, Cancellation);
        Log(stopped
            ? $"Stopped the command (pid {process.Pid}) the interrupted attempt left running on {host.Name}."
            : $"The command of the interrupted attempt (pid {process.Pid}) no longer runs on {host.Name}.");
    }

    private IHypervisorDriver DriverOf(Hypervisor host) =>
        Drivers.Find(host.Kind) ?? throw new StageFailedException($"No driver for hypervisor kind {host.Kind} (host {host.Name}).");
}
