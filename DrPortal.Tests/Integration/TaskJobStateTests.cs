using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Hangfire;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>
/// A task's Hangfire job ends in the state the task ended in, seen through Hangfire's monitoring API (what the
/// dashboard shows), and the task's outcome is audited. The real executor and runner run; the task fails for real,
/// because its host refuses the connection (a closed loopback port), in a second.
/// </summary>
public class TaskJobStateTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public TaskJobStateTests(PortalFactory portal) => _portal = portal;

    private IMonitoringApi Monitoring => _portal.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

    /// <summary>A pair whose hosts are at 127.0.0.1:<paramref name="port"/>; port 9 (discard) is closed, so the connection is refused at once.</summary>
    private async Task<(HttpClient Admin, VmPairDto Pair)> UnreachablePairAsync(string tag, int targetVm, int port = 9)
    {
        var admin = await _portal.CreateAdminClientAsync();
        async Task<int> HostAsync(string name, string site)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", HypervisorsApiTests.HostBody(name, "127.0.0.1", site, port));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!.Id;
        }
        var pair = await CreatePairAsync(admin, await HostAsync($"{tag}-dc", "Primary"), 100, await HostAsync($"{tag}-dr", "Recovery"), targetVm);
        return (admin, pair);
    }

    /// <summary>
    /// The task fails or is cancelled within a second or two; the deadline is generous because these tests share two cores
    /// with the lab's QEMU guests in a full run, and it is a deadline, not a speed claim. On a miss it says where the task was.
    /// </summary>
    private async Task<DrTask> WaitFinishedAsync(long taskId)
    {
        var tasks = _portal.Services.GetRequiredService<ITaskService>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        DrTask? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            seen = await tasks.FindAsync(taskId, CancellationToken.None);
            if (seen is { IsFinished: true })
            {
                return seen;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Task {taskId} did not finish: it is {seen?.Status} at {seen?.CurrentStage}; {JobStates()}.");
    }

    /// <summary>What Hangfire holds, for a timeout's message.</summary>
    private string JobStates()
    {
        var stats = Monitoring.GetStatistics();
        return $"Hangfire has {stats.Enqueued} enqueued, {stats.Processing} processing, {stats.Failed} failed, {stats.Deleted} deleted, {stats.Succeeded} succeeded, {stats.Servers} servers";
    }

    private static bool IsTask<T>(KeyValuePair<string, T> job, long taskId, Func<T, Hangfire.Common.Job?> jobOf) =>
        jobOf(job.Value) is { } j && j.Args.Count > 0 && Convert.ToInt64(j.Args[0], CultureInfo.InvariantCulture) == taskId;

    /// <summary>Hangfire moves the job a moment after the method returns; polls its monitoring view for it (deadline as above).</summary>
    private async Task<T> WaitForAsync<T>(Func<T?> find, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (find() is { } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} did not happen: {JobStates()}.");
    }

    [Fact]
    public async Task FailedTask_IsAFailedJobWithTheTasksReason_NotRetried_AndItsOutcomeIsAudited()
    {
        var (admin, pair) = await UnreachablePairAsync("job-fail", 9801);
        using var owned = admin;

        var accepted = await admin.PostAsync($"/api/v1/pairs/{pair.Id}/backup", null);
        var taskId = (await accepted.Content.ReadFromJsonAsync<TaskAccepted>(Json.Options))!.TaskId;
        var task = await WaitFinishedAsync(taskId);

        Assert.Equal(DrTaskStatus.Failed, task.Status);
        var (jobId, failed) = await WaitForAsync(() =>
            Monitoring.FailedJobs(0, 100).Where(j => IsTask(j, taskId, f => f.Job)).Select(j => (j.Key, j.Value)).FirstOrDefault() is { Key: not null } hit ? Tuple.Create(hit.Key, hit.Value) : null, "The task's job failing");
        Assert.Contains(task.Error!, failed.ExceptionMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Monitoring.SucceededJobs(0, 100), j => IsTask(j, taskId, s => s.Job));
        // No automatic retry: the history goes Enqueued → Processing → Failed and stops.
        await Task.Delay(500);
        var history = Monitoring.JobDetails(jobId).History.Select(h => h.StateName).ToList();
        Assert.Equal("Failed", history[0]);
        Assert.DoesNotContain("Scheduled", history);
        Assert.Equal(DrTaskStatus.Failed, (await _portal.Services.GetRequiredService<ITaskService>().FindAsync(taskId, CancellationToken.None))!.Status);

        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var id = taskId.ToString(CultureInfo.InvariantCulture);
        var outcome = await db.AuditEntries.SingleAsync(a => a.EntityType == "Task" && a.EntityId == id && a.Action == "failed");
        Assert.Equal(PortalFactory.AdminName, outcome.Actor);
        Assert.Contains("job-fail-dc/100 → job-fail-dr/9801 failed", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("(requested by admin)", outcome.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelledTask_IsADeletedJob_NotASucceededOne()
    {
        // A port that accepts connections and never says a word: the pre-flight check hangs in the SSH handshake until cancelled.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var (admin, pair) = await UnreachablePairAsync("job-cancel", 9802, ((IPEndPoint)silent.LocalEndpoint).Port);
            using var owned = admin;
            // A trusted key, so the pre-flight check connects (and hangs) instead of refusing an untrusted host at once.
            await _portal.Services.GetRequiredService<Core.Hosts.IHypervisorStore>()
                .PinHostKeyAsync(pair.SourceHypervisorId, new Core.Hosts.HostKey("ssh-ed25519", new byte[51]), "test", CancellationToken.None);
            var tasks = _portal.Services.GetRequiredService<ITaskService>();
            var accepted = await admin.PostAsync($"/api/v1/pairs/{pair.Id}/backup", null);
            var taskId = (await accepted.Content.ReadFromJsonAsync<TaskAccepted>(Json.Options))!.TaskId;
            await WaitForAsync(() => tasks.FindAsync(taskId, CancellationToken.None).GetAwaiter().GetResult() is { Status: DrTaskStatus.Running, CurrentStage: StageName.Preflight } t ? t : null, "The task's pre-flight starting");

            var cancel = await admin.PostAsync($"/api/v1/tasks/{taskId}/cancel", null);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            var task = await WaitFinishedAsync(taskId);

            Assert.Equal(DrTaskStatus.Cancelled, task.Status);
            var deleted = await WaitForAsync(() =>
                Monitoring.DeletedJobs(0, 100).Where(j => IsTask(j, taskId, d => d.Job)).Select(j => j.Key).FirstOrDefault(), "The task's job being deleted");
            var state = Monitoring.JobDetails(deleted).History[0];
            Assert.True(state.Reason?.Contains("was cancelled", StringComparison.Ordinal) == true, $"{state.StateName}: {state.Reason}");
            Assert.DoesNotContain(Monitoring.SucceededJobs(0, 100), j => IsTask(j, taskId, s => s.Job));
            Assert.DoesNotContain(Monitoring.FailedJobs(0, 100), j => IsTask(j, taskId, f => f.Job));
            await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
            var id = taskId.ToString(CultureInfo.InvariantCulture);
            var outcome = await db.AuditEntries.SingleAsync(a => a.EntityType == "Task" && a.EntityId == id && a.Action == "cancelled");
            Assert.Contains("was cancelled by admin: Cancelled during Preflight. (requested by admin)", outcome.Summary, StringComparison.Ordinal);
        }
        finally
        {
            silent.Stop();
        }
    }
}
