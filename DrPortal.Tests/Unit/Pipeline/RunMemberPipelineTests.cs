using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Tests.Components;

using DrPortal.Tests.Support;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>One VM of a drill, failover or failback through the pipeline, over test doubles: parking, scratch VMs, networks, checks.</summary>
public class RunMemberPipelineTests
{
    private readonly FakeDriver _driver = new();
    private readonly FakeRepository _repository = new();
    private readonly FakeSession _session = new();
    private readonly FakeReporter _reporter = new();
    private readonly FakeClock _clock = new();
    private readonly FakeShell _shell = new();
    private RecordingOperationalEvents Events { get; } = new();
    private readonly FakeTransport _transport;
    private readonly VmPair _pair;
    private readonly DrRunGroup _group = new() { DrRunId = 5, Position = 0, Title = "Group 1", TimeoutSeconds = 600 };

    public RunMemberPipelineTests()
    {
        _transport = new FakeTransport(_driver, _repository);
        var source = new Hypervisor { Id = 1, Name = "dc1", StagingDirectory = "/stage", Site = Site.Primary, Kind = HypervisorKind.Proxmox };
        var target = new Hypervisor { Id = 2, Name = "dr1", StagingDirectory = "/stage", Site = Site.Recovery, Kind = HypervisorKind.Proxmox };
        _pair = new VmPair
        {
            Id = 7,
            SourceHypervisor = source,
            SourceHypervisorId = 1,
            SourceVm = "100",
            TargetHypervisor = target,
            TargetHypervisorId = 2,
            TargetVm = "9100",
            BootCheck = new BootCheck(StableSeconds: 0, Agent: true, TimeoutSeconds: 30),
            SourceNics = [new VmNic("net0", "BC:24:11:00:00:01", "vmbr0", null, true)],
        };
        _driver.Vms["dc1/100"] = "production data";
        _session.RunGroups.Add(_group);
        _session.Run = new DrRun { Id = 5, Kind = DrRunKind.Drill };
    }

    private TaskContext Context(DrTask task) => new()
    {
        Task = task,
        Session = _session,
        Reporter = _reporter,
        Drivers = new HypervisorDrivers([_driver]),
        Transport = _transport,
        Repository = _repository,
        Hosts = new FakeHostGate(),
        Preflight = new FakePreflight(),
        Feed = new FakeTaskFeed(),
        Clock = _clock,
        Events = Events,
        Shell = _shell,
        Cancellation = CancellationToken.None,
    };

    private DrTask NewTask(DrTaskKind kind)
    {
        var task = DrTask.Create(kind, _pair, "alice", _clock.UtcNow);
        task.VmPair = _pair;
        if (task.IsRunMember)
        {
            (task.DrRunId, task.RunGroupPosition) = (5, 0);
        }
        return task;
    }

    private Task RunAsync(DrTask task) => TaskPipeline.Standard.ExecuteAsync(Context(task), ex => throw ex, CancellationToken.None);

    /// <summary>A verified point of the pair, made by a real replication through the pipeline; the replica then holds it.</summary>
    private async Task ReplicateOnceAsync()
    {
        var replicate = NewTask(DrTaskKind.Replicate);
        await RunAsync(replicate);
        Assert.Equal(DrTaskStatus.Succeeded, replicate.Status);
        _driver.Calls.Clear();
    }

    [Fact]
    public async Task Drill_BeforeItsGroupIsReleased_ParksAfterTheNetworkStage_WithTheScratchVmRestoredAndIsolated()
    {
        await ReplicateOnceAsync();
        var drill = NewTask(DrTaskKind.Drill);

        await RunAsync(drill);

        Assert.Equal(DrTaskStatus.WaitingForTurn, drill.Status);
        Assert.Equal(StageName.AwaitTurn, drill.CurrentStage);
        Assert.Equal(StageStatus.Pending, drill.Stage(StageName.AwaitTurn).Status);
        Assert.Equal("900000", drill.ScratchVm);
        Assert.Equal("point-1", _driver.Vms["dr1/900000"]);
        var nic = Assert.Single(_driver.Applied["dr1/900000"]);
        Assert.Equal(NicMapping.Isolated("net0"), nic);
        Assert.DoesNotContain(_driver.Calls, c => c.Contains("9100", StringComparison.Ordinal));
        Assert.Empty(_driver.Running);
    }

    [Fact]
    public async Task Drill_OnceReleased_StartsTheScratchVm_PassesTheCheck_AndNeverTouchesTheReplica()
    {
        await ReplicateOnceAsync();
        var drill = NewTask(DrTaskKind.Drill);
        await RunAsync(drill);
        _group.ReleasedAt = _clock.UtcNow;

        await RunAsync(drill);

        Assert.Equal(DrTaskStatus.Succeeded, drill.Status);
        Assert.Equal(["start dr1/900000"], _driver.Calls.Where(c => c.StartsWith("start", StringComparison.Ordinal)));
        Assert.NotNull(drill.CheckPassedAt);
        Assert.StartsWith("Passed: running for 0 s; guest agent answered", drill.CheckResult, StringComparison.Ordinal);
        Assert.Equal("point-1", _driver.Vms["dr1/9100"]);
        Assert.Equal("id-point-1", drill.ScratchIdentity);
        Assert.Equal(_session.Archives.Single().CreatedAt, drill.PointCreatedAt);
    }

    [Fact]
    public async Task Drill_MappingToABridgeTheHostLacks_FailsInPreflight_BeforeAnythingIsRestored()
    {
        await ReplicateOnceAsync();
        _pair.DrillNetwork = [new NicMapping("net0", "vmbr7", null, MacPolicy.New, LinkUp: false)];
        var drill = NewTask(DrTaskKind.Drill);

        await RunAsync(drill);

        Assert.Equal(DrTaskStatus.Failed, drill.Status);
        Assert.Equal(StageStatus.Failed, drill.Stage(StageName.Preflight).Status);
        Assert.Contains("network 'vmbr7' does not exist on dr1; it has vmbr0, vmbr9", drill.Error, StringComparison.Ordinal);
        Assert.False(_driver.Vms.ContainsKey("dr1/900000"));
    }

    [Fact]
    public async Task Drill_LinkUpOnANetworkWithAnUplink_IsRefused()
    {
        await ReplicateOnceAsync();
        _pair.DrillNetwork = [new NicMapping("net0", "vmbr0", null, MacPolicy.New, LinkUp: true)];
        var drill = NewTask(DrTaskKind.Drill);

        await RunAsync(drill);

        Assert.Equal(DrTaskStatus.Failed, drill.Status);
        Assert.Contains("'vmbr0' on dr1 has an uplink", drill.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_AGuestThatStopsAfterBoot_FailsItsCheckWithTheReason()
    {
        await ReplicateOnceAsync();
        _pair.BootCheck = new BootCheck(StableSeconds: 5, Agent: true, TimeoutSeconds: 30);
        _driver.CrashAfterStart.Add("dr1/900000");
        _group.ReleasedAt = _clock.UtcNow;
        var drill = NewTask(DrTaskKind.Drill);

        await RunAsync(drill);

        Assert.Equal(DrTaskStatus.Failed, drill.Status);
        Assert.Equal(StageName.BootCheck, drill.Stages.Single(s => s.Status == StageStatus.Failed).Name);
        Assert.Contains("stopped", drill.Error, StringComparison.Ordinal);
        Assert.StartsWith("Failed:", drill.CheckResult, StringComparison.Ordinal);
        Assert.Null(drill.CheckPassedAt);
    }

    [Fact]
    public async Task DisasterFailover_WhenTheReplicaAlreadyHoldsTheNewestPoint_StartsItWithoutRestoringAgain_AndNeverAsksThePrimary()
    {
        await ReplicateOnceAsync();
        _pair.FailoverNetwork = [new NicMapping("net0", "vmbr0", 20, MacPolicy.Keep, LinkUp: true)];
        _group.ReleasedAt = _clock.UtcNow;
        var failover = NewTask(DrTaskKind.DisasterFailover);

        await RunAsync(failover);

        Assert.Equal(DrTaskStatus.Succeeded, failover.Status);
        Assert.Equal(StageStatus.Skipped, failover.Stage(StageName.Restore).Status);
        Assert.DoesNotContain(_driver.Calls, c => c.Contains("100", StringComparison.Ordinal) && !c.Contains("9100", StringComparison.Ordinal));
        Assert.Equal(20, Assert.Single(_driver.Applied["dr1/9100"]).VlanTag);
        Assert.Contains("dr1/9100", _driver.Running);
    }

    [Fact]
    public async Task PlannedFailover_WithShutdown_ShutsTheSourceDownBeforeItsLastBackup()
    {
        await ReplicateOnceAsync();
        _session.Run = new DrRun { Id = 5, Kind = DrRunKind.PlannedFailover, ShutdownSources = true };
        _driver.Running.Add("dc1/100");
        _group.ReleasedAt = _clock.UtcNow;
        var failover = NewTask(DrTaskKind.PlannedFailover);

        await RunAsync(failover);

        Assert.Equal(DrTaskStatus.Succeeded, failover.Status);
        Assert.Equal(["shutdown 100", "backup 100"], _driver.Calls.Where(c => c.StartsWith("shutdown", StringComparison.Ordinal) || c.StartsWith("backup", StringComparison.Ordinal)));
        Assert.Equal("point-2", _driver.Vms["dr1/9100"]);
        Assert.Equal(_session.Archives.Single(a => a.Label == "point-2").Id, _pair.ReplicaArchiveId);
    }

    [Fact]
    public async Task PlannedFailover_SourceRunningAndNoShutdownAsked_IsRefusedBeforeAnyBackup()
    {
        await ReplicateOnceAsync();
        _session.Run = new DrRun { Id = 5, Kind = DrRunKind.PlannedFailover, ShutdownSources = false };
        _driver.Running.Add("dc1/100");
        var failover = NewTask(DrTaskKind.PlannedFailover);

        await RunAsync(failover);

        Assert.Equal(DrTaskStatus.Failed, failover.Status);
        Assert.Contains("would put two copies on the network", failover.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_driver.Calls, c => c.StartsWith("backup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failback_ToTheStoppedOriginal_CopiesTheRecoveryVmBack_WithThePrimarysNetworks()
    {
        await ReplicateOnceAsync();
        _driver.Vms["dr1/9100"] = "changed on the recovery site";
        _session.Run = new DrRun { Id = 5, Kind = DrRunKind.Failback, FailbackTarget = FailbackTarget.Original };
        _group.ReleasedAt = _clock.UtcNow;
        var failback = NewTask(DrTaskKind.Failback);

        await RunAsync(failback);

        Assert.Equal(DrTaskStatus.Succeeded, failback.Status);
        Assert.Contains("backup 9100", _driver.Calls);
        var point = _session.Archives.Single(a => a.Label == "point-2");
        Assert.Equal((2, "9100"), (point.SourceHypervisorId, point.SourceVm));
        Assert.Equal("point-2", _driver.Vms["dc1/100"]);
        Assert.Equal(new NicMapping("net0", "vmbr0", null, MacPolicy.Keep, LinkUp: true), Assert.Single(_driver.Applied["dc1/100"]));
        Assert.Contains("dc1/100", _driver.Running);
    }

    [Fact]
    public async Task Failback_OriginalRunning_IsRefusedAndLeftRunning()
    {
        await ReplicateOnceAsync();
        _session.Run = new DrRun { Id = 5, Kind = DrRunKind.Failback, FailbackTarget = FailbackTarget.Original };
        _driver.Running.Add("dc1/100");
        var failback = NewTask(DrTaskKind.Failback);

        await RunAsync(failback);

        Assert.Equal(DrTaskStatus.Failed, failback.Status);
        Assert.Contains("the primary site may have come back with it", failback.Error, StringComparison.Ordinal);
        Assert.Contains("dc1/100", _driver.Running);
        Assert.Equal("production data", _driver.Vms["dc1/100"]);
    }
}
