using Bunit;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;

namespace DrPortal.Tests.Components;

public class TaskComponentTests : PortalTestContext
{
    private const long MiB = 1024 * 1024;

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A Replicate whose Backup took 60 s and whose Pull has run 20 s: half of 32 MiB moved at 4 MiB/s.</summary>
    private static DrTask ReplicateInPull()
    {
        var task = DrTask.Create(DrTaskKind.Replicate, new Core.Pairs.VmPair { Id = 1 }, "alice", Now.AddMinutes(-5));
        task.Id = 1;
        task.MarkStarted(Now.AddSeconds(-80));
        task.BeginStage(task.Stage(StageName.Backup), Now.AddSeconds(-80));
        task.EndStage(task.Stage(StageName.Backup), StageStatus.Succeeded, Now.AddSeconds(-20));
        task.BeginStage(task.Stage(StageName.Pull), Now.AddSeconds(-20));
        task.Percent = 50;
        task.BytesDone = 16 * MiB;
        task.BytesTotal = 32 * MiB;
        task.Throughput = 4d * MiB;
        return task;
    }

    [Fact]
    public void TaskProgress_ReplicateInPull_ShowsOverallProgressAndEta_AndTheStagesOwn()
    {
        var progress = Render<TaskProgress>(p => p.Add(c => c.DrTask, ReplicateInPull()).Add(c => c.Now, Now));

        // Backup (30) done and half of Pull (20), out of 100.
        Assert.Equal("40 %", progress.Find("[data-test=task-percent]").TextContent.Trim());
        Assert.Equal("40", progress.Find(".mud-progress-linear").GetAttribute("aria-valuenow"));
        Assert.Equal("1 min 28 s", progress.Find("[data-test=task-eta]").TextContent.Trim());
        Assert.Equal("Pull 3/7:", progress.Find("[data-test=task-stage-name]").TextContent.Trim());
        Assert.Equal("50 %", progress.Find("[data-test=task-stage-percent]").TextContent.Trim());
        Assert.Equal("16 MiB of 32 MiB", progress.Find("[data-test=task-bytes]").TextContent.Trim());
        Assert.Equal("4 MiB/s", progress.Find("[data-test=task-rate]").TextContent.Trim());
        // 16 MiB left at 4 MiB/s.
        Assert.Equal("4 s", progress.Find("[data-test=task-stage-eta]").TextContent.Trim());
    }

    [Fact]
    public void TaskProgress_Verifying_ShowsVerifyingWithoutAnyEta()
    {
        var task = ReplicateInPull();
        task.Percent = 100;
        task.BytesDone = 32 * MiB;
        task.Verifying = "the repository copy";

        var progress = Render<TaskProgress>(p => p.Add(c => c.DrTask, task).Add(c => c.Now, Now).Add(c => c.StageBar, true));

        Assert.Contains("Verifying SHA-256", progress.Find("[data-test=task-verifying]").TextContent, StringComparison.Ordinal);
        Assert.Contains("the repository copy", progress.Find("[data-test=task-verifying]").TextContent, StringComparison.Ordinal);
        Assert.Empty(progress.FindAll("[data-test=task-eta]"));
        Assert.Empty(progress.FindAll("[data-test=task-stage-eta]"));
        Assert.DoesNotContain("ETA", progress.Markup, StringComparison.Ordinal);
        Assert.Contains("mud-progress-indeterminate", progress.Find("[data-test=task-stage-bar]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskProgress_AllBytesMovedBeforeTheVerifyStarts_ShowsNoZeroEta()
    {
        var task = ReplicateInPull();
        task.Percent = 100;
        task.BytesDone = 32 * MiB;

        var progress = Render<TaskProgress>(p => p.Add(c => c.DrTask, task).Add(c => c.Now, Now));

        Assert.Empty(progress.FindAll("[data-test=task-stage-eta]"));
        Assert.DoesNotContain("ETA 0 s", progress.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskProgress_NoRateReported_ShowsBytesWithoutRate()
    {
        var task = ReplicateInPull();
        task.Throughput = null;
        task.BytesTotal = null;
        task.BytesDone = 3 * 1024L * MiB;

        var progress = Render<TaskProgress>(p => p.Add(c => c.DrTask, task).Add(c => c.Now, Now));

        Assert.Equal("3 GiB", progress.Find("[data-test=task-bytes]").TextContent.Trim());
        Assert.Empty(progress.FindAll("[data-test=task-rate]"));
    }

    [Fact]
    public void TaskProgress_Compact_ShowsOnlyTheBar()
    {
        var progress = Render<TaskProgress>(p => p.Add(c => c.DrTask, ReplicateInPull()).Add(c => c.Now, Now).Add(c => c.Compact, true));

        Assert.Equal("40 %", progress.Find("[data-test=task-percent]").TextContent.Trim());
        Assert.Empty(progress.FindAll("[data-test=task-progress-detail]"));
    }

    [Theory]
    [InlineData(DrTaskStatus.Queued, "default", "queued")]
    [InlineData(DrTaskStatus.Running, "info", "running")]
    [InlineData(DrTaskStatus.WaitingForHost, "secondary", "waiting for host")]
    [InlineData(DrTaskStatus.Succeeded, "success", "succeeded")]
    [InlineData(DrTaskStatus.SucceededWithWarnings, "warning", "succeeded with warnings")]
    [InlineData(DrTaskStatus.Failed, "error", "failed")]
    [InlineData(DrTaskStatus.Cancelled, "dark", "cancelled")]
    public void TaskStatusChip_EachStatus_HasItsColourAndWords(DrTaskStatus status, string colour, string words)
    {
        var chip = Render<TaskStatusChip>(p => p.Add(c => c.Status, status));

        var element = chip.Find(".mud-chip");
        Assert.Contains($"mud-chip-color-{colour}", element.ClassName, StringComparison.Ordinal);
        Assert.Equal(words, element.TextContent.Trim());
    }

    [Fact]
    public void TaskStatusChip_RunningWithStage_NamesTheStage_FinishedDoesNot()
    {
        var running = Render<TaskStatusChip>(p => p.Add(c => c.Status, DrTaskStatus.Running).Add(c => c.Stage, StageName.Pull));
        var failed = Render<TaskStatusChip>(p => p.Add(c => c.Status, DrTaskStatus.Failed).Add(c => c.Stage, StageName.Pull));

        Assert.Equal("running · Pull", running.Find(".mud-chip").TextContent.Trim());
        Assert.Equal("failed", failed.Find(".mud-chip").TextContent.Trim());
    }

    [Fact]
    public async Task TaskFeedSubscription_BurstOfUpdates_DeliversTheNewestOfEachTaskInOneBatch()
    {
        var batches = new List<IReadOnlyList<TaskUpdate>>();
        using var subscription = new TaskFeedSubscription(Feed, work => work(), batch =>
        {
            lock (batches)
            {
                batches.Add(batch);
            }
            return Task.CompletedTask;
        }, interval: TimeSpan.FromMilliseconds(100));

        for (var percent = 1; percent <= 100; percent++)
        {
            Feed.Publish(Update(1, percent));
        }
        Feed.Publish(Update(2, 7));
        // A loaded machine may fire the first tick late: wait for it rather than for a fixed 600 ms, then one more
        // interval, in which a second batch would show.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && Count() == 0)
        {
            await Task.Delay(50);
        }
        await Task.Delay(300);

        IReadOnlyList<TaskUpdate> batch;
        lock (batches)
        {
            batch = Assert.Single(batches);
        }
        Assert.Equal([(1L, 100d), (2L, 7d)], batch.Select(u => (u.TaskId, u.Percent)).OrderBy(u => u.TaskId));

        int Count()
        {
            lock (batches)
            {
                return batches.Count;
            }
        }
    }

    [Fact]
    public async Task TaskFeedSubscription_DisposedBeforeDelivery_DeliversNothingAndUnsubscribes()
    {
        var delivered = 0;
        var subscription = new TaskFeedSubscription(Feed, work => work(), _ =>
        {
            Interlocked.Increment(ref delivered);
            return Task.CompletedTask;
        }, wanted: u => u.TaskId == 1, interval: TimeSpan.FromMilliseconds(100));

        Feed.Publish(Update(1, 50));
        subscription.Dispose();
        await Task.Delay(400);

        Assert.Equal(0, delivered);
        Assert.Equal(0, Feed.SubscriberCount);
    }

    private static TaskUpdate Update(long taskId, double percent) =>
        new(taskId, 1, DrTaskKind.Backup, DrTaskStatus.Running, StageName.Pull, percent, 0, null, null, null);

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(256L * 1024 * 1024, "256 MiB")]
    [InlineData(12L * 1024 * 1024 * 1024 + 400L * 1024 * 1024, "12.4 GiB")]
    public void Bytes_Sizes_UseBinaryUnits(long bytes, string expected)
    {
        Assert.Equal(expected, Display.Bytes(bytes));
    }

    [Theory]
    [InlineData(42, "42 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(7620, "2 h 07 min")]
    [InlineData(273600, "3 d 4 h")]
    public void Duration_Spans_ReadAsPeopleSayThem(int seconds, string expected)
    {
        Assert.Equal(expected, Display.Duration(TimeSpan.FromSeconds(seconds)));
    }
}
