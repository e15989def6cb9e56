using System.Collections.Concurrent;
using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Schedules;
using DrPortal.Tests.Support;
using DrPortal.Tests.Unit;
using DrPortal.Web.Api;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>
/// The schedule test classes start their portals one after another: Hangfire keeps its storage in a static
/// (JobStorage.Current) that portals starting at the same moment could otherwise hand to each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScheduleCollection
{
    public const string Name = "Schedules";
}

/// <summary>
/// The trigger and the start-up catch-up against MariaDB, driven directly with a hand-moved clock. Tasks are only
/// recorded as handed to the executor (nothing runs), so a queued task stays queued and the counts are exact.
/// </summary>
[Collection(ScheduleCollection.Name)]
public class ScheduleTriggerTests : IClassFixture<ScheduleTriggerTests.Portal>
{
    public sealed class RecordingJobQueue : IJobQueue
    {
        public ConcurrentQueue<long> Enqueued { get; } = new();

        public void Enqueue(long taskId) => Enqueued.Enqueue(taskId);
    }

    public sealed class RecordingRunQueue : Core.Recovery.IRunQueue
    {
        public ConcurrentQueue<long> Enqueued { get; } = new();

        public void Enqueue(long runId) => Enqueued.Enqueue(runId);
    }

    /// <summary>Records removals instead of reaching hosts; the other operations are not used by schedules.</summary>
    public sealed class RecordingTransport : IArchiveTransport
    {
        public ConcurrentQueue<(string Host, string Path)> Removed { get; } = new();

        public Task RemoveRemoteAsync(Hypervisor host, IReadOnlyList<string> remotePaths, CancellationToken ct)
        {
            foreach (var path in remotePaths)
            {
                Removed.Enqueue((host.Name, path));
            }
            return Task.CompletedTask;
        }

        public Task<PulledFile> PullAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, CancellationToken ct, RelayTarget? relay = null) =>
            throw new NotSupportedException();

        public Task PromoteRelayedAsync(Hypervisor host, string remotePath, CancellationToken ct) => throw new NotSupportedException();

        public Task PushAsync(string localPath, Hypervisor host, string remotePath, IStageReporter reporter, CancellationToken ct) => throw new NotSupportedException();

        public Task<string?> RemoteSha256Async(Hypervisor host, string remotePath, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<RemoteFileEntry>> RemoteListAsync(Hypervisor host, string remoteDirectory, CancellationToken ct) => throw new NotSupportedException();

        public Task<long> RemoteFreeBytesAsync(Hypervisor host, string remoteDirectory, CancellationToken ct) => throw new NotSupportedException();
    }

    public sealed class Portal : PortalFactory
    {
        public ScheduleTestClock Clock { get; } = new(DateTimeOffset.UtcNow);
        public RecordingJobQueue Jobs { get; } = new();
        public RecordingRunQueue Runs { get; } = new();
        public RecordingTransport Transport { get; } = new();

        public const int RunsKept = 3;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("DrPortal:ScheduleRunsKept", RunsKept.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IClock>();
                services.AddSingleton<IClock>(Clock);
                services.RemoveAll<IJobQueue>();
                services.AddSingleton<IJobQueue>(Jobs);
                services.RemoveAll<Core.Recovery.IRunQueue>();
                services.AddSingleton<Core.Recovery.IRunQueue>(Runs);
                services.RemoveAll<IArchiveTransport>();
                services.AddSingleton<IArchiveTransport>(Transport);
            });
        }
    }

    /// <summary>Another start of the portal on the fixture's database, at a later moment (the first one's clock is not shared).</summary>
    public sealed class RestartedPortal(string connectionString, DateTimeOffset now) : WebApplicationFactory<Program>
    {
        public string DataDirectory { get; } = TestEnvironment.CreateTempDirectory("drportal-restart");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:DrPortal", connectionString);
            builder.UseSetting("DrPortal:DataDirectory", DataDirectory);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IClock>();
                services.AddSingleton<IClock>(new ScheduleTestClock(now));
                services.RemoveAll<IJobQueue>();
                services.AddSingleton<IJobQueue>(new RecordingJobQueue());
            });
        }
    }

    private readonly Portal _portal;

    public ScheduleTriggerTests(Portal portal) => _portal = portal;

    private ScheduleTrigger Trigger => _portal.Services.GetRequiredService<ScheduleTrigger>();
    private IScheduleStore Store => _portal.Services.GetRequiredService<IScheduleStore>();
    private IScheduleCalendar Calendar => _portal.Services.GetRequiredService<IScheduleCalendar>();

    private async Task<int> PairAsync(string tag, int targetVm)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        return (await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm)).Id;
    }

    private async Task<Schedule> ScheduleAsync(int pairId, ScheduleTiming timing, string value, ScheduleKind kind = ScheduleKind.Backup, bool enabled = true)
    {
        var input = new ScheduleInput
        {
            VmPairId = pairId,
            Kind = kind,
            Timing = timing,
            DailyAt = timing == ScheduleTiming.Daily ? value : null,
            Cron = timing == ScheduleTiming.Cron ? value : null,
            TimeZone = "Europe/Berlin",
            Enabled = enabled,
        };
        var result = await Store.CreateAsync(input, "tester", CancellationToken.None);
        Assert.True(result.IsOk, result.Message);
        return result.Value!;
    }

    private async Task<(List<ScheduleRun> Runs, List<DrTask> Tasks)> RowsOfAsync(int scheduleId)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        return (await db.ScheduleRuns.AsNoTracking().Where(r => r.ScheduleId == scheduleId).ToListAsync(),
            await db.Tasks.AsNoTracking().Where(t => t.ScheduleId == scheduleId).ToListAsync());
    }

    [Fact]
    public async Task Fire_EightConcurrentTriggersOfOneSlot_YieldOneRunAndOneTask()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-race", 9401), ScheduleTiming.Daily, "03:00");
        var slot = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0];
        _portal.Clock.UtcNow = slot.AddSeconds(20);

        var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Trigger.FireAsync(schedule.Id, CancellationToken.None)));

        var winner = Assert.Single(fired, r => r is not null)!;
        Assert.Equal((ScheduleRunOutcome.Queued, slot.ToUniversalTime(), false), (winner.Outcome, winner.SlotTime, winner.IsCatchUp));
        var (runs, tasks) = await RowsOfAsync(schedule.Id);
        Assert.Single(runs);
        var task = Assert.Single(tasks);
        Assert.Equal((winner.TaskId, DrTaskKind.Backup, "schedule #" + schedule.Id), (task.Id, task.Kind, task.RequestedBy));
        Assert.Single(_portal.Jobs.Enqueued, id => id == task.Id);
    }

    [Fact]
    public async Task Fire_DrillSchedule_QueuesADrillRunWithOneChild_AndTouchesNoReplica()
    {
        var pairId = await PairAsync("trg-drill", 9403);
        await VerifiedPointAsync(pairId);
        var schedule = await ScheduleAsync(pairId, ScheduleTiming.Cron, "30 4 * * 0", ScheduleKind.Drill);
        _portal.Clock.UtcNow = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0].AddSeconds(5);

        var fired = await Trigger.FireAsync(schedule.Id, CancellationToken.None);

        Assert.Equal(ScheduleRunOutcome.Queued, fired!.Outcome);
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var run = await db.DrRuns.Include(r => r.Tasks).AsNoTracking().SingleAsync(r => r.VmPairId == pairId);
        Assert.Equal((Core.Recovery.DrRunKind.Drill, $"schedule #{schedule.Id}"), (run.Kind, run.RequestedBy));
        Assert.Equal(DrTaskKind.Drill, Assert.Single(run.Tasks).Kind);
        Assert.Contains(run.Id, _portal.Runs.Enqueued);
        Assert.Contains($"Drill run #{run.Id} queued.", fired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fire_ReplicateScheduleOfAFailedOverPair_IsPausedWithTheReason_AndQueuesNothing()
    {
        var pairId = await PairAsync("trg-failedover", 9404);
        await using (var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync())
        {
            var pair = await db.VmPairs.SingleAsync(p => p.Id == pairId);
            (pair.Direction, pair.FailedOverAt, pair.FailedOverRunId) = (Core.Pairs.PairDirection.FailedOver, _portal.Clock.UtcNow, 42);
            await db.SaveChangesAsync();
        }
        var schedule = await ScheduleAsync(pairId, ScheduleTiming.Cron, "45 * * * *", ScheduleKind.Replicate);
        _portal.Clock.UtcNow = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0].AddSeconds(5);

        var fired = await Trigger.FireAsync(schedule.Id, CancellationToken.None);

        Assert.Equal(ScheduleRunOutcome.Paused, fired!.Outcome);
        Assert.Contains("failed over", fired.Message, StringComparison.Ordinal);
        Assert.Contains("run #42", fired.Message, StringComparison.Ordinal);
        Assert.Empty((await RowsOfAsync(schedule.Id)).Tasks);
    }

    /// <summary>A restore point the repository holds verified, as a finished replication leaves it.</summary>
    private async Task VerifiedPointAsync(int pairId)
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var pair = await db.VmPairs.Include(p => p.SourceHypervisor).SingleAsync(p => p.Id == pairId);
        db.Archives.Add(new Archive
        {
            VmPairId = pairId,
            SourceHypervisorId = pair.SourceHypervisorId,
            SourceHypervisorName = pair.SourceHypervisor!.Name,
            SourceVm = pair.SourceVm,
            Label = $"point-{pairId}",
            CreatedAt = _portal.Clock.UtcNow,
            InRepository = true,
            Files = [new ArchiveFile { Name = $"point-{pairId}.vma.zst", Role = "archive", SizeBytes = 1, Sha256 = new string('a', 64) }],
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task CatchUp_AfterDowntimeAcrossThreeSlots_QueuesExactlyOneCatchUpRun_ForTheMostRecentSlot()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-catchup", 9402), ScheduleTiming.Cron, "15 * * * *", ScheduleKind.Replicate);
        var missed = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 3);
        // The portal was down from before the first slot until after the third.
        _portal.Clock.UtcNow = missed[2].AddMinutes(10);

        var first = (await Trigger.CatchUpAsync(CancellationToken.None)).Where(r => r.ScheduleId == schedule.Id).ToList();
        var second = (await Trigger.CatchUpAsync(CancellationToken.None)).Where(r => r.ScheduleId == schedule.Id).ToList();
        var lateTrigger = await Trigger.FireAsync(schedule.Id, CancellationToken.None);

        var run = Assert.Single(first);
        Assert.Equal((missed[2].ToUniversalTime(), true, ScheduleRunOutcome.Queued), (run.SlotTime, run.IsCatchUp, run.Outcome));
        Assert.Empty(second);
        Assert.Null(lateTrigger);
        var (runs, tasks) = await RowsOfAsync(schedule.Id);
        Assert.Single(runs);
        var task = Assert.Single(tasks);
        Assert.True(task.IsCatchUp);
        Assert.Equal(DrTaskKind.Replicate, task.Kind);
        using var admin = await _portal.CreateAdminClientAsync();
        var listed = await admin.GetFromJsonAsync<TaskDto>($"/api/v1/tasks/{task.Id}", Json.Options);
        Assert.Equal((schedule.Id, true), (listed!.ScheduleId, listed.IsCatchUp));
    }

    [Fact]
    public async Task Restart_AfterMissingThreeSlots_QueuesExactlyOneCatchUpRun_AndASecondRestartNone()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-restart", 9407), ScheduleTiming.Cron, "*/20 * * * *");
        var missed = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 3);
        var later = missed[2].AddMinutes(5);

        // Starting a portal runs the start-up reconciliation (hosted services) before it serves anything.
        for (var start = 0; start < 2; start++)
        {
            await using var restarted = new RestartedPortal(_portal.ConnectionString, later);
            _ = restarted.Services;
            Directory.Delete(restarted.DataDirectory, recursive: true);
        }

        var (runs, tasks) = await RowsOfAsync(schedule.Id);
        var run = Assert.Single(runs);
        Assert.Equal((missed[2].ToUniversalTime(), true, ScheduleRunOutcome.Queued), (run.SlotTime, run.IsCatchUp, run.Outcome));
        Assert.True(Assert.Single(tasks).IsCatchUp);
    }

    [Fact]
    public async Task CatchUp_SlotClaimedJustBeforeACrash_GetsItsTaskRequested()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-stranded", 9408), ScheduleTiming.Daily, "06:00");
        var slot = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0];
        await using (var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync())
        {
            db.ScheduleRuns.Add(new ScheduleRun { ScheduleId = schedule.Id, SlotTime = slot.ToUniversalTime(), ClaimedAt = slot, Outcome = ScheduleRunOutcome.Claimed });
            await db.SaveChangesAsync();
        }
        _portal.Clock.UtcNow = slot.AddMinutes(1);

        await Trigger.CatchUpAsync(CancellationToken.None);

        var (runs, tasks) = await RowsOfAsync(schedule.Id);
        var run = Assert.Single(runs);
        Assert.Equal((ScheduleRunOutcome.Queued, Assert.Single(tasks).Id), (run.Outcome, run.TaskId));
    }

    [Fact]
    public async Task Fire_ScheduleDeletedWithItsPair_RemovesItsRecurringJob()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var pairId = await PairAsync("trg-gone", 9409);
        var schedule = await ScheduleAsync(pairId, ScheduleTiming.Daily, "07:00");
        using var connection = _portal.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Contains(connection.GetRecurringJobs(), j => j.Id == $"schedule-{schedule.Id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/pairs/{pairId}")).StatusCode);

        var run = await Trigger.FireAsync(schedule.Id, CancellationToken.None);

        Assert.Null(run);
        Assert.DoesNotContain(connection.GetRecurringJobs(), j => j.Id == $"schedule-{schedule.Id}");
    }

    [Fact]
    public async Task CatchUp_SlotBeforeTheScheduleExisted_IsNotMissed()
    {
        // Created after today's slot of an hourly cron has passed, and the portal restarts before the next one.
        var schedule = await ScheduleAsync(await PairAsync("trg-new", 9403), ScheduleTiming.Cron, "0 * * * *");
        var next = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0];
        _portal.Clock.UtcNow = next.AddSeconds(-1);

        var runs = (await Trigger.CatchUpAsync(CancellationToken.None)).Where(r => r.ScheduleId == schedule.Id);

        Assert.Empty(runs);
    }

    [Fact]
    public async Task Fire_PairAlreadyHasAnActiveTaskOfTheKind_RecordsTheRunAsAttachedWithTheReason()
    {
        var pairId = await PairAsync("trg-busy", 9404);
        var schedule = await ScheduleAsync(pairId, ScheduleTiming.Daily, "04:00");
        var manual = await _portal.Services.GetRequiredService<ITaskService>().RequestAsync(pairId, DrTaskKind.Backup, null, "alice", CancellationToken.None);
        _portal.Clock.UtcNow = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0].AddSeconds(5);

        var run = await Trigger.FireAsync(schedule.Id, CancellationToken.None);

        Assert.NotNull(run);
        Assert.Equal((ScheduleRunOutcome.Attached, manual.Value!.Task.Id), (run.Outcome, run.TaskId));
        Assert.Contains("already had", run.Message, StringComparison.Ordinal);
        Assert.Empty((await RowsOfAsync(schedule.Id)).Tasks);
    }

    [Fact]
    public async Task Fire_DisabledSchedule_ClaimsNothing()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-off", 9405), ScheduleTiming.Daily, "05:00", enabled: false);
        _portal.Clock.UtcNow = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, 1)[0].AddSeconds(5);

        Assert.Null(await Trigger.FireAsync(schedule.Id, CancellationToken.None));
        Assert.Empty((await RowsOfAsync(schedule.Id)).Runs);
    }

    [Fact]
    public async Task Changes_KeepTheHangfireRecurringJobInStep()
    {
        var pairId = await PairAsync("trg-sync", 9406);
        var schedule = await ScheduleAsync(pairId, ScheduleTiming.Daily, "02:30");
        using var connection = _portal.Services.GetRequiredService<JobStorage>().GetConnection();
        RecurringJobDto? Job() => connection.GetRecurringJobs().SingleOrDefault(j => j.Id == $"schedule-{schedule.Id}");

        var registered = Job();
        Assert.NotNull(registered);
        Assert.Equal(("30 2 * * *", "Europe/Berlin"), (registered.Cron, registered.TimeZoneId));

        var input = ScheduleInput.From(schedule) with { Timing = ScheduleTiming.Cron, Cron = "0 */4 * * *" };
        Assert.True((await Store.UpdateAsync(schedule.Id, input, "tester", CancellationToken.None)).IsOk);
        Assert.Equal("0 */4 * * *", Job()?.Cron);

        Assert.True((await Store.UpdateAsync(schedule.Id, input with { Enabled = false }, "tester", CancellationToken.None)).IsOk);
        Assert.Null(Job());

        Assert.True((await Store.UpdateAsync(schedule.Id, input, "tester", CancellationToken.None)).IsOk);
        Assert.True((await Store.DeleteAsync(schedule.Id, "tester", CancellationToken.None)).IsOk);
        Assert.Null(Job());
    }

    [Fact]
    public async Task Sync_Schedule_FiresOnItsOwnQueueWhichTaskThreadsCannotHoldUp()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-queue", 9407), ScheduleTiming.Daily, "03:15");
        var storage = _portal.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();

        var job = connection.GetRecurringJobs().Single(j => j.Id == $"schedule-{schedule.Id}");

        // Long tasks may occupy every task thread; a slot must still fire on time, so triggers have their own server.
        Assert.Equal("schedules", job.Job.Queue);
        var servers = storage.GetMonitoringApi().Servers();
        var schedulers = Assert.Single(servers, s => s.Queues.Contains("schedules"));
        Assert.DoesNotContain("tasks", schedulers.Queues);
        var taskServer = Assert.Single(servers, s => s.Queues.Contains("tasks"));
        Assert.True(taskServer.WorkersCount > 4, $"task threads {taskServer.WorkersCount} must exceed the 4 execution slots so host waits hold no slot");
    }

    [Fact]
    public async Task Fire_MoreSlotsThanKept_PrunesTheOldestRunsAndKeepsTheNewest()
    {
        var schedule = await ScheduleAsync(await PairAsync("trg-prune", 9408), ScheduleTiming.Cron, "*/5 * * * *");
        var slots = Calendar.Next(schedule.ToCronSchedule(), _portal.Clock.UtcNow, Portal.RunsKept + 2);
        foreach (var slot in slots)
        {
            _portal.Clock.UtcNow = slot.AddSeconds(1);
            Assert.NotNull(await Trigger.FireAsync(schedule.Id, CancellationToken.None));
        }

        var (runs, _) = await RowsOfAsync(schedule.Id);

        Assert.Equal(slots.TakeLast(Portal.RunsKept).Select(s => s.ToUniversalTime()), runs.Select(r => r.SlotTime.ToUniversalTime()).Order());
        // A pruned slot is not claimed again: it is no longer the most recent one.
        Assert.Null(await Trigger.FireAsync(schedule.Id, CancellationToken.None));
    }
}
