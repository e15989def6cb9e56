using Bunit;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;

namespace DrPortal.Tests.Components;

public class TaskComponentTests : PortalTestContext
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void TaskProgress_TransferWithRate_ShowsPercentBytesRateAndEta()
    {
        var progress = Render<TaskProgress>(p => p
            .Add(c => c.Percent, 25)
            .Add(c => c.BytesDone, 8 * MiB)
            .Add(c => c.BytesTotal, 32 * MiB)
            .Add(c => c.Throughput, 4d * MiB));

        Assert.Equal("25 %", progress.Find("[data-test=task-percent]").TextContent.Trim());
        Assert.Equal("8 MiB of 32 MiB", progress.Find("[data-test=task-bytes]").TextContent.Trim());
        Assert.Equal("4 MiB/s", progress.Find("[data-test=task-rate]").TextContent.Trim());
        // 24 MiB left at 4 MiB/s.
        Assert.Equal("6 s", progress.Find("[data-test=task-eta]").TextContent.Trim());
        Assert.Equal("25", progress.Find(".mud-progress-linear").GetAttribute("aria-valuenow"));
    }

    [Fact]
    public void TaskProgress_NoRateReported_ShowsBytesWithoutEta()
    {
        var progress = Render<TaskProgress>(p => p
            .Add(c => c.Percent, 62.5)
            .Add(c => c.BytesDone, 3 * 1024L * MiB)
            .Add(c => c.BytesTotal, (long?)null));

        Assert.Equal("62.5 %", progress.Find("[data-test=task-percent]").TextContent.Trim());
        Assert.Equal("3 GiB", progress.Find("[data-test=task-bytes]").TextContent.Trim());
        Assert.Empty(progress.FindAll("[data-test=task-eta]"));
        Assert.Empty(progress.FindAll("[data-test=task-rate]"));
    }

    [Fact]
    public void TaskProgress_Compact_ShowsOnlyTheBar()
    {
        var progress = Render<TaskProgress>(p => p.Add(c => c.Percent, 40).Add(c => c.BytesDone, MiB).Add(c => c.Compact, true));

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
        await Task.Delay(600);

        var batch = Assert.Single(batches);
        Assert.Equal([(1L, 100d), (2L, 7d)], batch.Select(u => (u.TaskId, u.Percent)).OrderBy(u => u.TaskId));
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
    [InlineData(0L, 100L, 10d, 10)]
    [InlineData(95L, 100L, 10d, 1)]
    [InlineData(100L, 100L, 10d, 0)]
    public void Eta_BytesLeftAndRate_RoundsUpToWholeSeconds(long done, long total, double rate, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), TaskDisplay.Eta(done, total, rate));
    }

    [Theory]
    [InlineData(null, 10d)]
    [InlineData(100L, null)]
    [InlineData(100L, 0d)]
    public void Eta_UnknownTotalOrRate_IsUnknown(long? total, double? rate)
    {
        Assert.Null(TaskDisplay.Eta(10, total, rate));
    }

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
