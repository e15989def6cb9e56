using DrPortal.Core.Common;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using DrPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>The reporter against the portal's real feed and MariaDB: what a page and a reload see of a verify phase and of stage attempts.</summary>
public class TaskReporterTests : IClassFixture<PortalFactory>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private readonly PortalFactory _portal;

    public TaskReporterTests(PortalFactory portal) => _portal = portal;

    private IDbContextFactory<DrPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    /// <summary>A running Backup in its Pull stage, saved as the runner saves it (no pair: the reporter needs none).</summary>
    private async Task<DrTask> RunningPullAsync()
    {
        var task = new DrTask { Kind = DrTaskKind.Backup, PairLabel = "pve-dc1/100 → pve-dr1/9100", RequestedBy = "tester", CreatedAt = Now };
        var position = 0;
        foreach (var name in DrTask.PlanFor(DrTaskKind.Backup))
        {
            task.Stages.Add(new DrTaskStage { Name = name, Position = position++, Status = StageStatus.Pending });
        }
        task.MarkStarted(Now);
        task.BeginStage(task.Stage(StageName.Pull), Now);
        await using var db = await Contexts.CreateDbContextAsync();
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        return task;
    }

    private async Task<DrTask> ReadAsync(long id)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.Tasks.Include(t => t.Stages).AsNoTracking().SingleAsync(t => t.Id == id);
    }

    [Fact]
    public async Task Verifying_PublishesAndPersistsThePhase_WithoutARate_AndTheNextProgressEndsIt()
    {
        var task = await RunningPullAsync();
        var feed = _portal.Services.GetRequiredService<ITaskFeed>();
        var updates = new List<TaskUpdate>();
        using var subscription = feed.Subscribe(u =>
        {
            if (u.TaskId == task.Id)
            {
                lock (updates)
                {
                    updates.Add(u);
                }
            }
        });
        await using var reporter = new TaskReporter(task, Contexts, feed, _portal.Services.GetRequiredService<IClock>());
        reporter.Progress(new StageProgress(100, 4096, 4096, 1024));

        reporter.Verifying("the repository copy");
        await reporter.FlushAsync();

        var during = await ReadAsync(task.Id);
        Assert.Equal("the repository copy", during.Verifying);
        Assert.Null(during.Throughput);
        lock (updates)
        {
            Assert.Equal("the repository copy", updates[^1].Verifying);
            Assert.Null(updates[^1].Throughput);
        }

        reporter.Progress(new StageProgress(10, 100, 1000, 50));
        await reporter.FlushAsync();

        Assert.Null((await ReadAsync(task.Id)).Verifying);
        lock (updates)
        {
            Assert.Null(updates[^1].Verifying);
        }
    }

    [Fact]
    public async Task Verifying_HostileText_IsCleanedAndCut()
    {
        var task = await RunningPullAsync();
        await using var reporter = new TaskReporter(task, Contexts, _portal.Services.GetRequiredService<ITaskFeed>(), _portal.Services.GetRequiredService<IClock>());

        reporter.Verifying("copy\u001b[31m on host\n" + new string('x', 500));
        await reporter.FlushAsync();

        var stored = (await ReadAsync(task.Id)).Verifying!;
        Assert.Equal(DrTask.VerifyingMaxLength, stored.Length);
        Assert.StartsWith("copy[31m on host", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(stored, char.IsControl);
    }

    [Fact]
    public async Task BeginStage_ResumedStage_IsStoredWithItsLastStartAndCount()
    {
        var task = await RunningPullAsync();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var stored = await db.Tasks.Include(t => t.Stages).SingleAsync(t => t.Id == task.Id);
            // The portal died in Pull and starts again two hours later: the runner begins the stage again.
            stored.MarkStarted(Now.AddHours(2));
            stored.BeginStage(stored.Stage(StageName.Pull), Now.AddHours(2));
            stored.EndStage(stored.Stage(StageName.Pull), StageStatus.Succeeded, Now.AddHours(2).AddSeconds(30));
            await db.SaveChangesAsync();
        }

        var pull = (await ReadAsync(task.Id)).Stage(StageName.Pull);

        Assert.Equal(2, pull.Attempts);
        Assert.Equal(Now, pull.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(30), pull.Duration);
    }
}
