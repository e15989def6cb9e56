using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit;

public class DrTaskTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static VmPair Pair() => new()
    {
        Id = 7,
        SourceVm = "100",
        TargetVm = "9100",
        SourceHypervisor = new Hypervisor { Name = "pve-dc1" },
        TargetHypervisor = new Hypervisor { Name = "pve-dr1", Site = Site.Recovery },
    };

    [Theory]
    [InlineData(DrTaskKind.Backup, new[] { StageName.Preflight, StageName.Backup, StageName.Pull, StageName.Cleanup })]
    [InlineData(DrTaskKind.Restore, new[] { StageName.Preflight, StageName.Push, StageName.Restore, StageName.Start, StageName.Cleanup })]
    [InlineData(DrTaskKind.Replicate, new[] { StageName.Preflight, StageName.Backup, StageName.Pull, StageName.Push, StageName.Restore, StageName.Start, StageName.Cleanup })]
    public void Create_PlansTheStagesOfItsKind_AllPending(DrTaskKind kind, StageName[] expected)
    {
        var task = DrTask.Create(kind, Pair(), "alice", Now, archiveId: kind == DrTaskKind.Restore ? 1 : null);

        Assert.Equal(expected, task.Stages.OrderBy(s => s.Position).Select(s => s.Name));
        Assert.All(task.Stages, s => Assert.Equal(StageStatus.Pending, s.Status));
        Assert.Equal(DrTaskStatus.Queued, task.Status);
        Assert.Equal("7:" + kind, task.ActiveKey);
        Assert.Equal("pve-dc1/100 → pve-dr1/9100", task.PairLabel);
    }

    [Fact]
    public void Create_RestoreWithoutArchive_IsRefused() =>
        Assert.Throws<ArgumentException>(() => DrTask.Create(DrTaskKind.Restore, Pair(), "alice", Now));

    [Fact]
    public void NextStage_ResumesAtTheFirstUnfinishedStage_IncludingAnInterruptedOne()
    {
        var task = DrTask.Create(DrTaskKind.Replicate, Pair(), "alice", Now);
        task.MarkStarted(Now);
        task.BeginStage(task.Stage(StageName.Preflight), Now);
        task.EndStage(task.Stage(StageName.Preflight), StageStatus.Succeeded, Now);
        var backup = task.Stage(StageName.Backup);
        task.BeginStage(backup, Now);
        task.EndStage(backup, StageStatus.SucceededWithWarnings, Now.AddSeconds(30));
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(31));

        // The portal dies here; the next run must pick Pull up again, not Backup and not Push.
        Assert.Equal(StageName.Pull, task.NextStage()!.Name);
        Assert.Equal(StageStatus.Running, task.NextStage()!.Status);
    }

    [Fact]
    public void Succeed_WithAWarningStage_IsSucceededWithWarnings_AndReleasesTheActiveKey()
    {
        var task = DrTask.Create(DrTaskKind.Backup, Pair(), "alice", Now);
        task.MarkStarted(Now);
        foreach (var stage in task.Stages.ToList())
        {
            task.BeginStage(stage, Now);
            task.EndStage(stage, stage.Name == StageName.Backup ? StageStatus.SucceededWithWarnings : StageStatus.Succeeded, Now.AddSeconds(5));
        }

        task.Succeed(Now.AddSeconds(10));

        Assert.Equal(DrTaskStatus.SucceededWithWarnings, task.Status);
        Assert.Null(task.ActiveKey);
        Assert.Null(task.NextStage());
        Assert.Equal(TimeSpan.FromSeconds(5), task.Stage(StageName.Backup).Duration);
    }

    [Fact]
    public void Fail_MarksTheRunningStageFailed_KeepsLaterStagesPending_AndTruncatesHugeOutput()
    {
        var task = DrTask.Create(DrTaskKind.Replicate, Pair(), "alice", Now);
        task.MarkStarted(Now);
        task.BeginStage(task.Stage(StageName.Backup), Now);

        task.Fail("unable to find VM '100'", Enumerable.Repeat(new string('x', 100), 500), Now.AddSeconds(2));

        Assert.Equal(DrTaskStatus.Failed, task.Status);
        Assert.Equal(StageStatus.Failed, task.Stage(StageName.Backup).Status);
        Assert.Equal(StageStatus.Pending, task.Stage(StageName.Pull).Status);
        Assert.True(task.ErrorOutput!.Length <= DrTask.OutputMaxLength);
        Assert.Null(task.ActiveKey);
        Assert.True(task.IsFinished);
    }

    [Fact]
    public void Cancel_CancelsRunningAndPendingStages_ButNotFinishedOnes()
    {
        var task = DrTask.Create(DrTaskKind.Replicate, Pair(), "alice", Now);
        task.MarkStarted(Now);
        task.BeginStage(task.Stage(StageName.Backup), Now);
        task.EndStage(task.Stage(StageName.Backup), StageStatus.Succeeded, Now);
        task.BeginStage(task.Stage(StageName.Pull), Now);

        task.Cancel("Cancelled during Pull.", Now);

        Assert.Equal(DrTaskStatus.Cancelled, task.Status);
        Assert.Equal(StageStatus.Succeeded, task.Stage(StageName.Backup).Status);
        Assert.Equal(StageStatus.Cancelled, task.Stage(StageName.Pull).Status);
        Assert.Equal(StageStatus.Cancelled, task.Stage(StageName.Cleanup).Status);
    }

    [Fact]
    public void MarkStarted_CountsAttempts_AndKeepsTheFirstStartTime()
    {
        var task = DrTask.Create(DrTaskKind.Backup, Pair(), "alice", Now);
        task.MarkStarted(Now);
        task.MarkStarted(Now.AddMinutes(5));

        Assert.Equal(2, task.Attempts);
        Assert.Equal(Now, task.StartedAt);
    }

    [Fact]
    public void BeginStage_RetriedStage_TimesTheLastAttemptOnly_AndCountsAttempts()
    {
        var task = DrTask.Create(DrTaskKind.Backup, Pair(), "alice", Now);
        task.MarkStarted(Now);
        var backup = task.Stage(StageName.Backup);
        task.BeginStage(backup, Now);
        task.Fail("host unreachable", null, Now.AddMinutes(2));

        // Retried an hour later; the second attempt takes 30 s.
        task.Retry("bob");
        task.MarkStarted(Now.AddHours(1));
        task.BeginStage(backup, Now.AddHours(1));
        task.EndStage(backup, StageStatus.Succeeded, Now.AddHours(1).AddSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), backup.Duration);
        Assert.Equal(2, backup.Attempts);
        Assert.Equal(Now, backup.StartedAt);
        Assert.Equal(Now.AddHours(1), backup.LastStartedAt);
    }

    [Fact]
    public void Duration_RowWithoutAttemptTimes_RunsFromTheFirstStart()
    {
        var stage = new DrTaskStage { StartedAt = Now, FinishedAt = Now.AddSeconds(42) };

        Assert.Equal(TimeSpan.FromSeconds(42), stage.Duration);
    }

    [Fact]
    public void BeginStage_AfterAVerifyPhase_EndsIt()
    {
        var task = DrTask.Create(DrTaskKind.Backup, Pair(), "alice", Now);
        task.MarkStarted(Now);
        task.BeginStage(task.Stage(StageName.Pull), Now);
        task.Verifying = "the repository copy";

        task.EndStage(task.Stage(StageName.Pull), StageStatus.Succeeded, Now.AddSeconds(5));
        task.BeginStage(task.Stage(StageName.Cleanup), Now.AddSeconds(5));

        Assert.Null(task.Verifying);
    }
}
