using DrPortal.Core.Archives;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Tests.Components;
using DrPortal.Tests.Support;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>The pipeline's stages over test doubles of every port: no root, no database, no hosts.</summary>
public class TaskPipelineTests
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

    public TaskPipelineTests()
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
            RemoveSourceCopy = true,
        };
        _driver.Vms["dc1/100"] = "production data";
    }

    private TaskContext Context(DrTask task, CancellationToken ct = default) => new()
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
        Cancellation = ct,
    };

    private DrTask NewTask(DrTaskKind kind, long? archiveId = null)
    {
        var task = DrTask.Create(kind, _pair, "alice", _clock.UtcNow, archiveId);
        task.VmPair = _pair;
        return task;
    }

    private static Task RunAsync(TaskContext context) => TaskPipeline.Standard.ExecuteAsync(context, ex => throw ex, CancellationToken.None);

    [Fact]
    public async Task Replicate_EveryStage_MovesAndVerifiesEachFileOfTheManifest()
    {
        var task = NewTask(DrTaskKind.Replicate);

        await RunAsync(Context(task));

        Assert.Equal(DrTaskStatus.Succeeded, task.Status);
        var point = Assert.Single(_session.Archives);
        Assert.Equal(["point-1.img", "point-1.xml"], point.Files.Select(f => f.Name));
        Assert.All(point.Files, f => Assert.Equal(FakeTransport.Sha(_repository.Files[$"/repo/dc1/100/{f.Name}"]), f.Sha256));
        Assert.True(point is { IsVerified: true, OnRecovery: true, OnPrimary: false });
        // The pull relayed both files to the recovery host in the same pass; the push only verified them there.
        Assert.Equal(["dr1:/stage/point-1.img", "dr1:/stage/point-1.xml"], _transport.Relayed);
        Assert.Empty(_transport.Pushed);
        Assert.All(point.Files, f => Assert.Equal(f.Sha256, FakeTransport.Sha(_driver.HostFiles[$"dr1:/stage/{f.Name}"])));
        Assert.DoesNotContain(_driver.HostFiles.Keys, k => k.EndsWith(".partial", StringComparison.Ordinal));
        Assert.Equal(["dc1:/stage/point-1.img", "dc1:/stage/point-1.xml"], _transport.Removed);
        // The repository copy reached the disk before the source's copy was removed.
        Assert.Equal(["/repo/dc1/100/point-1.img", "/repo/dc1/100/point-1.xml"], _repository.MadeDurable);
        Assert.Equal("point-1", _driver.Vms["dr1/9100"]);
        Assert.Equal("id-point-1", _pair.ReplicaIdentity);
    }

    [Fact]
    public async Task Replicate_WhenTheRelayCannotRun_PushesEachFileAfterThePull()
    {
        _transport.RelayRefusal = "dr1 had too little room";
        var task = NewTask(DrTaskKind.Replicate);

        await RunAsync(Context(task));

        Assert.Equal(DrTaskStatus.Succeeded, task.Status);
        Assert.Equal(["/stage/point-1.img", "/stage/point-1.xml"], _transport.Pushed);
        Assert.Contains(_reporter.Lines, l => l.Contains("was not sent on to dr1 during the pull (dr1 had too little room)", StringComparison.Ordinal));
        Assert.Equal("point-1", _driver.Vms["dr1/9100"]);
    }

    [Fact]
    public async Task Backup_HasNoPushToRelayTo()
    {
        var task = NewTask(DrTaskKind.Backup);

        await RunAsync(Context(task));

        Assert.Equal(DrTaskStatus.Succeeded, task.Status);
        Assert.Empty(_transport.Relayed);
        Assert.DoesNotContain(_driver.HostFiles.Keys, k => k.StartsWith("dr1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_AllCopiesIntact_MarksEachGood_AndPublishesNothing()
    {
        await RunAsync(Context(NewTask(DrTaskKind.Replicate)));
        var point = Assert.Single(_session.Archives);
        var verify = NewTask(DrTaskKind.Verify);

        await RunAsync(Context(verify));

        Assert.Equal(DrTaskStatus.Succeeded, verify.Status);
        Assert.True(point is { RepositoryCopy: CopyState.Good, RecoveryCopy: CopyState.Good, RepositoryVerifiedAt: not null, RecoveryVerifiedAt: not null });
        Assert.Empty(Events.Events);
        Assert.Contains("2 of 2 copies", verify.Stage(StageName.Verify).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CorruptRepositoryCopy_MarksItBad_PublishesAnEvent_AndARestoreRefusesThePoint()
    {
        await RunAsync(Context(NewTask(DrTaskKind.Replicate)));
        var point = Assert.Single(_session.Archives);
        _repository.Files["/repo/dc1/100/point-1.img"] = "production dat4";
        var verify = NewTask(DrTaskKind.Verify, point.Id);

        await RunAsync(Context(verify));

        Assert.Equal(DrTaskStatus.SucceededWithWarnings, verify.Status);
        Assert.Equal(CopyState.Bad, point.RepositoryCopy);
        Assert.Equal(CopyState.Good, point.RecoveryCopy);
        Assert.False(point.IsVerified);
        var e = Assert.Single(Events.Events);
        Assert.Equal(Core.Notifications.OperationalEventKind.VerifyFoundBadCopy, e.Kind);
        Assert.Equal(verify.Id, e.TaskId);
        Assert.Contains("point-1.img", e.Summary, StringComparison.Ordinal);
        Assert.Equal("production dat4", _repository.Files["/repo/dc1/100/point-1.img"]);

        _transport.Pushed.Clear();
        var restore = NewTask(DrTaskKind.Restore, point.Id);
        await RunAsync(Context(restore));

        Assert.Equal(DrTaskStatus.Failed, restore.Status);
        Assert.Contains("found the repository copy", restore.Error, StringComparison.Ordinal);
        Assert.Empty(_transport.Pushed);
    }

    [Fact]
    public async Task Verify_CorruptRecoveryCopy_MarksItBad_AndTheNextPushReplacesIt()
    {
        await RunAsync(Context(NewTask(DrTaskKind.Replicate)));
        var point = Assert.Single(_session.Archives);
        _driver.HostFiles["dr1:/stage/point-1.img"] = "tampered";
        _driver.HostFiles.Remove("dr1:/stage/point-1.xml");

        await RunAsync(Context(NewTask(DrTaskKind.Verify)));

        Assert.Equal(CopyState.Bad, point.RecoveryCopy);
        Assert.Equal(CopyState.Good, point.RepositoryCopy);
        Assert.Equal(2L, Assert.Single(Events.Events).HostId);
        _transport.Pushed.Clear();

        var restore = NewTask(DrTaskKind.Restore, point.Id);
        await RunAsync(Context(restore));

        Assert.Equal(DrTaskStatus.Succeeded, restore.Status);
        Assert.Equal(["/stage/point-1.img", "/stage/point-1.xml"], _transport.Pushed);
        Assert.Equal(CopyState.Good, point.RecoveryCopy);
    }

    [Fact]
    public async Task Resume_InterruptedRestore_RunsOnlyFromTheFirstUnfinishedStage_AndSaysItWasInterrupted()
    {
        var task = NewTask(DrTaskKind.Replicate);
        await RunAsync(Context(task));
        _driver.Calls.Clear();
        // As if the portal had died during Restore: the earlier stages are done, Restore is still Running.
        task.Status = DrTaskStatus.Running;
        task.Stage(StageName.Restore).Status = StageStatus.Running;
        task.Stage(StageName.Start).Status = StageStatus.Pending;
        task.Stage(StageName.Cleanup).Status = StageStatus.Pending;
        task.TargetExistedBefore = false;

        await RunAsync(Context(task));

        Assert.Equal(DrTaskStatus.Succeeded, task.Status);
        Assert.Equal(["restore point-1 -> 9100"], _driver.Calls);
        Assert.Contains("== Restore (again: it was interrupted)", _reporter.Lines);
    }

    [Fact]
    public async Task Resume_InterruptedBackup_ClearsTheLostAttemptFirst()
    {
        var task = NewTask(DrTaskKind.Backup);
        task.Stage(StageName.Preflight).Status = StageStatus.Succeeded;
        task.Stage(StageName.Backup).Status = StageStatus.Running;

        await RunAsync(Context(task));

        Assert.Equal(["clear 100", "backup 100"], _driver.Calls.Take(2));
        Assert.Contains("cleared the lost attempt's job", _reporter.Lines);
    }

    [Fact]
    public async Task Cancel_DuringPull_RemovesThePartialCopiesAndLeavesNoVerifiedPoint()
    {
        using var cts = new CancellationTokenSource();
        var task = NewTask(DrTaskKind.Backup);
        var pulls = 0;
        // The second file's pull is cancelled: the first one already lies in the repository.
        _transport.BeforePull = _ =>
        {
            if (++pulls == 2)
            {
                cts.Cancel();
            }
        };
        _session.CancelRequested = true;

        await TaskPipeline.Standard.ExecuteAsync(Context(task, cts.Token), ex => throw ex, CancellationToken.None);

        Assert.Equal(DrTaskStatus.Cancelled, task.Status);
        Assert.Empty(_repository.Files);
        Assert.False(Assert.Single(_session.Archives).IsVerified);
    }

    [Fact]
    public async Task Restore_FailingOverAnExistingReplica_PutsThePreviousPointBack()
    {
        await RunAsync(Context(NewTask(DrTaskKind.Replicate)));
        _clock.UtcNow = _clock.UtcNow.AddHours(1);
        _driver.Vms["dc1/100"] = "newer data";
        _driver.FailRestore = r => r.Chain[^1].Label == "point-2";

        var second = NewTask(DrTaskKind.Replicate);
        await RunAsync(Context(second));

        Assert.Equal(DrTaskStatus.Failed, second.Status);
        Assert.Contains("The previous restore point point-1 was restored instead", second.Error, StringComparison.Ordinal);
        Assert.Equal("point-1", _driver.Vms["dr1/9100"]);
        Assert.Equal(["restore point-1 -> 9100", "restore point-2 -> 9100", "restore point-1 -> 9100"], _driver.Calls.Where(c => c.StartsWith("restore", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Push_IncrementalPoint_SendsItsWholeChainAndRestoresItOldestFirst()
    {
        var full = AddVerifiedPoint("full", parent: null);
        var incremental = AddVerifiedPoint("incr", parent: full.Id);
        var task = NewTask(DrTaskKind.Restore, incremental.Id);

        await RunAsync(Context(task));

        Assert.Equal(DrTaskStatus.Succeeded, task.Status);
        Assert.Equal(["/stage/full.img", "/stage/incr.img"], _transport.Pushed);
        Assert.Equal(["full", "incr"], Assert.Single(_driver.Restores).Chain.Select(p => p.Label));
    }

    [Fact]
    public async Task Preflight_Refused_FailsBeforeAnythingRuns()
    {
        var task = NewTask(DrTaskKind.Replicate);
        var context = Context(task);
        ((FakePreflight)context.Preflight).Failure = "VM 9100 on dr1 exists and was not created by this pair.";

        await RunAsync(context);

        Assert.Equal(DrTaskStatus.Failed, task.Status);
        Assert.Contains("was not created by this pair", task.Error, StringComparison.Ordinal);
        Assert.Equal(StageStatus.Pending, task.Stage(StageName.Backup).Status);
        Assert.Empty(_driver.Calls);
    }

    private Archive AddVerifiedPoint(string label, long? parent)
    {
        var content = $"{label} data";
        var archive = new Archive
        {
            VmPairId = _pair.Id,
            SourceHypervisorId = 1,
            SourceHypervisorName = "dc1",
            SourceVm = "100",
            Label = label,
            ParentArchiveId = parent,
            InRepository = true,
            CreatedAt = _clock.UtcNow,
            Files = [new ArchiveFile { Name = $"{label}.img", Role = "disk", SizeBytes = content.Length, Sha256 = FakeTransport.Sha(content) }],
        };
        _session.AddArchive(archive);
        _repository.Files[$"/repo/dc1/100/{label}.img"] = content;
        return archive;
    }
}
