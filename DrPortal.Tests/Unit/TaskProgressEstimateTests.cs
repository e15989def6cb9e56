using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit;

public class TaskProgressEstimateTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static DrTask Task(DrTaskKind kind)
    {
        var task = DrTask.Create(kind, new VmPair { Id = 1, SourceVm = "100", TargetVm = "9100" }, "alice", Now.AddHours(-1), kind == DrTaskKind.Restore ? 1 : null);
        task.MarkStarted(Now.AddHours(-1));
        return task;
    }

    /// <summary>Runs the named stages to success, each taking the given seconds, ending just before <paramref name="end"/>.</summary>
    private static void Done(DrTask task, DateTimeOffset end, params (StageName Stage, int Seconds)[] stages)
    {
        var at = end - TimeSpan.FromSeconds(stages.Sum(s => s.Seconds));
        foreach (var (name, seconds) in stages)
        {
            task.BeginStage(task.Stage(name), at);
            at += TimeSpan.FromSeconds(seconds);
            task.EndStage(task.Stage(name), StageStatus.Succeeded, at);
        }
    }

    [Fact]
    public void WeightOf_Replicate_AddsUpTo100()
    {
        Assert.Equal(100, DrTask.PlanFor(DrTaskKind.Replicate).Sum(TaskProgressEstimate.WeightOf));
    }

    [Fact]
    public void Of_ReplicateHalfwayThroughPull_WeighsDoneStagesWholeAndTheRunningOneByItsPercent()
    {
        var task = Task(DrTaskKind.Replicate);
        Done(task, Now.AddSeconds(-20), (StageName.Backup, 60));
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(-20));
        task.Percent = 50;

        var estimate = TaskProgressEstimate.Of(task, Now);

        // Backup 30 done, half of Pull's 20, out of 100.
        Assert.Equal(40, estimate.Percent, 6);
        Assert.Equal(50, estimate.StagePercent, 6);
        Assert.Equal((StageName.Pull, 3, 7), (estimate.Stage!.Value, estimate.StageNumber, estimate.StageCount));
    }

    [Fact]
    public void Of_BackupKind_CountsOnlyItsOwnStages()
    {
        var task = Task(DrTaskKind.Backup);
        Done(task, Now, (StageName.Backup, 60));
        task.BeginStage(task.Stage(StageName.Pull), Now);

        var estimate = TaskProgressEstimate.Of(task, Now);

        // Backup 30 of Backup 30 + Pull 20 + Cleanup 1.
        Assert.Equal(100 * 30 / 51d, estimate.Percent, 6);
    }

    [Fact]
    public void Of_TransferWithRate_StageEtaFromBytesLeft_TaskEtaAddsTheRestAtThePaceSoFar()
    {
        var task = Task(DrTaskKind.Replicate);
        Done(task, Now.AddSeconds(-20), (StageName.Backup, 60));
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(-20));
        task.Percent = 50;
        task.BytesDone = 16 * MiB;
        task.BytesTotal = 32 * MiB;
        task.Throughput = 4 * MiB;

        var estimate = TaskProgressEstimate.Of(task, Now);

        // 16 MiB left at 4 MiB/s.
        Assert.Equal(TimeSpan.FromSeconds(4), estimate.StageEta);
        // Pace: (60 s Backup + 20 s so far + 4 s left) over weight 30 + 20 = 1.68 s a unit; 50 units to come = 84 s.
        Assert.Equal(TimeSpan.FromSeconds(4 + 84), estimate.Eta);
    }

    [Fact]
    public void Of_StageWithPercentOnly_StageEtaFromElapsedTime()
    {
        var task = Task(DrTaskKind.Backup);
        task.BeginStage(task.Stage(StageName.Backup), Now.AddSeconds(-30));
        task.Percent = 25;

        var estimate = TaskProgressEstimate.Of(task, Now);

        // A quarter in 30 s: 90 s left.
        Assert.Equal(TimeSpan.FromSeconds(90), estimate.StageEta);
        // 120 s for 30 units: Pull and Cleanup (21 units) take 84 s more.
        Assert.Equal(TimeSpan.FromSeconds(90 + 84), estimate.Eta);
    }

    [Fact]
    public void Of_Verifying_HasNoEta_AndSaysWhat()
    {
        var task = Task(DrTaskKind.Replicate);
        task.BeginStage(task.Stage(StageName.Backup), Now.AddSeconds(-60));
        task.EndStage(task.Stage(StageName.Backup), StageStatus.Succeeded, Now.AddSeconds(-50));
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(-50));
        task.Percent = 100;
        task.BytesDone = 32 * MiB;
        task.BytesTotal = 32 * MiB;
        task.Throughput = 4 * MiB;
        task.Verifying = "the repository copy";

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Equal("the repository copy", estimate.Verifying);
        Assert.Null(estimate.StageEta);
        Assert.Null(estimate.Eta);
    }

    [Fact]
    public void Of_AllBytesMovedButStageNotEnded_HasNoZeroEta()
    {
        var task = Task(DrTaskKind.Backup);
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(-50));
        task.Percent = 100;
        task.BytesDone = 32 * MiB;
        task.BytesTotal = 32 * MiB;
        task.Throughput = 4 * MiB;

        Assert.Null(TaskProgressEstimate.Of(task, Now).StageEta);
    }

    [Fact]
    public void Of_FirstSecondsOfAStage_HasNoEtaYet()
    {
        var task = Task(DrTaskKind.Backup);
        task.BeginStage(task.Stage(StageName.Backup), Now.AddSeconds(-2));
        task.Percent = 10;

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Null(estimate.StageEta);
        Assert.Null(estimate.Eta);
    }

    [Fact]
    public void Of_WaitingForHost_KeepsItsPercentWithoutEta()
    {
        var task = Task(DrTaskKind.Replicate);
        Done(task, Now.AddSeconds(-20), (StageName.Backup, 60), (StageName.Pull, 10));
        task.BeginStage(task.Stage(StageName.Push), Now.AddSeconds(-20));
        task.Status = DrTaskStatus.WaitingForHost;

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Equal(50, estimate.Percent, 6);
        Assert.Null(estimate.Eta);
    }

    [Fact]
    public void Of_RetriedTaskQueuedAgain_CountsTheStagesItKeeps()
    {
        var task = Task(DrTaskKind.Replicate);
        Done(task, Now.AddMinutes(-10), (StageName.Backup, 60), (StageName.Pull, 60));
        task.BeginStage(task.Stage(StageName.Push), Now.AddMinutes(-10));
        task.Fail("link cut", null, Now.AddMinutes(-9));
        task.Retry("bob");

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Equal(50, estimate.Percent, 6);
        Assert.Null(estimate.Stage);
    }

    [Fact]
    public void Of_RestoreKind_StageEtaFromPercent_TaskEtaAtThePaceOfPushAndRestore()
    {
        var task = Task(DrTaskKind.Restore);
        Done(task, Now.AddSeconds(-10), (StageName.Push, 40));
        task.BeginStage(task.Stage(StageName.Restore), Now.AddSeconds(-10));
        task.Percent = 20;

        var estimate = TaskProgressEstimate.Of(task, Now);

        // Push 20 + a fifth of Restore's 25, out of 20 + 25 + 4 + 1.
        Assert.Equal(100 * 25 / 50d, estimate.Percent, 6);
        // 10 s for a fifth: 40 s left. Pace (40 + 10 + 40) s over 45 units = 2 s a unit; Start and Cleanup 5 units = 10 s.
        Assert.Equal(TimeSpan.FromSeconds(40), estimate.StageEta);
        Assert.Equal(TimeSpan.FromSeconds(50), estimate.Eta);
    }

    [Fact]
    public void Of_SkippedStage_CountsAsDone()
    {
        var task = Task(DrTaskKind.Replicate);
        Done(task, Now.AddSeconds(-10), (StageName.Backup, 30), (StageName.Pull, 20), (StageName.Push, 20), (StageName.Restore, 25));
        task.BeginStage(task.Stage(StageName.Start), Now.AddSeconds(-10));
        task.EndStage(task.Stage(StageName.Start), StageStatus.Skipped, Now.AddSeconds(-10));
        task.BeginStage(task.Stage(StageName.Cleanup), Now.AddSeconds(-10));
        task.Percent = 50;

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Equal(99.5, estimate.Percent, 6);
        // Half of Cleanup in 10 s: 10 s left, and nothing after it.
        Assert.Equal(TimeSpan.FromSeconds(10), estimate.StageEta);
        Assert.Equal(TimeSpan.FromSeconds(10), estimate.Eta);
    }

    [Fact]
    public void Of_Succeeded_Is100WithNothingRunning()
    {
        var task = Task(DrTaskKind.Backup);
        task.Succeed(Now);

        var estimate = TaskProgressEstimate.Of(task, Now);

        Assert.Equal(100, estimate.Percent);
        Assert.Null(estimate.Stage);
        Assert.Null(estimate.Eta);
    }

    [Fact]
    public void Of_StaleStageRows_StagesBeforeTheCurrentOneCountAsDone()
    {
        // A list fed live knows the current stage before it reads the rows that say Backup ended.
        var task = Task(DrTaskKind.Replicate);
        task.CurrentStage = StageName.Push;
        task.Status = DrTaskStatus.Running;

        Assert.Equal(50, TaskProgressEstimate.Of(task, Now).Percent, 6);
    }
}
