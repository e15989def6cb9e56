using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>Cancel, a cut link, and a killed portal: each ends cleanly or resumes, and no data is lost.</summary>
[Collection(LabCollection.Name)]
public class FaultTests(LabPortalFixture portal)
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(3);

    private Task<VmPairDto> PairAsync(HttpClient client, string source, int sourceVm, string target, int targetVm) =>
        TaskApi.CreatePairAsync(client, portal.Hosts[source].Id, sourceVm, portal.Hosts[target].Id, targetVm, overwrite: true, start: false);

    private static async Task<long> RequestAsync(HttpClient client, int pairId, string kind) => (await TaskApi.RequestAsync(client, pairId, kind)).TaskId;

    /// <summary>Polls until the task is in the stage and has moved at least the bytes.</summary>
    private static async Task<TaskDto> WaitForStageAsync(HttpClient client, long taskId, string stage, long bytes)
    {
        var deadline = DateTime.UtcNow + TaskTimeout;
        while (true)
        {
            var task = (await client.GetFromJsonAsync<TaskDto>($"/api/v1/tasks/{taskId}", Json.Options))!;
            if (task.Stage == stage && task.BytesDone >= bytes)
            {
                return task;
            }
            Assert.False(task.Status is "Succeeded" or "Failed" or "Cancelled", $"task ended ({task.Status}: {task.Error}) before reaching {stage}");
            Assert.True(DateTime.UtcNow < deadline, $"task never reached {stage} with {bytes} bytes");
            await Task.Delay(100);
        }
    }

    private string RepositoryDir(string host, int vmid) => Path.Combine(portal.DataDirectory, "repository", host, vmid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Cancel_DuringPull_EndsCancelled_AndLeavesNoPartialFile()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "7100", "--size", "64M", "--fill", "1.0");
        await Support.Lab.RunAsync("shape", "pve-dc2", "--rate", "20mbit");
        var pair = await PairAsync(portal.Admin, "pve-dc2", 7100, "pve-dr1", 9710);
        try
        {
            var id = await RequestAsync(portal.Admin, pair.Id, "backup");
            await WaitForStageAsync(portal.Admin, id, "Pull", 1);

            Assert.Equal(HttpStatusCode.OK, (await portal.Admin.PostAsync($"/api/v1/tasks/{id}/cancel", null)).StatusCode);
            var task = await TaskApi.WaitAsync(portal.Admin, id, TaskTimeout);

            Assert.Equal("Cancelled", task.Status);
            Assert.Equal("Succeeded", task.Stages.Single(s => s.Name == "Backup").Status);
            Assert.Equal("Cancelled", task.Stages.Single(s => s.Name == "Pull").Status);
            var leftovers = Directory.Exists(RepositoryDir("pve-dc2", 7100))
                ? Directory.GetFiles(RepositoryDir("pve-dc2", 7100), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".log", StringComparison.Ordinal)).ToList()
                : [];
            Assert.Empty(leftovers);
            var archive = Assert.Single((await portal.Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.False(archive.InRepository);
            Assert.True(archive.OnPrimary, "the host's finished archive is kept: only partial copies are removed");
        }
        finally
        {
            await Support.Lab.RunAsync("shape", "pve-dc2", "--off");
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "7100");
        }
    }

    [Fact]
    public async Task ACutLinkDuringPull_FailsClearly_AndARetryAfterHealingResumesThePartialTransfer()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "7200", "--size", "64M", "--fill", "1.0");
        await Support.Lab.RunAsync("shape", "pve-dc2", "--rate", "20mbit");
        var pair = await PairAsync(portal.Admin, "pve-dc2", 7200, "pve-dr1", 9720);
        try
        {
            var id = await RequestAsync(portal.Admin, pair.Id, "backup");
            await WaitForStageAsync(portal.Admin, id, "Pull", 8 << 20);
            // Reported progress can run ahead of the disk: cut only once rsync's temporary file holds data.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!Directory.Exists(RepositoryDir("pve-dc2", 7200))
                   || !Directory.GetFiles(RepositoryDir("pve-dc2", 7200), ".vzdump-*").Any(f => new FileInfo(f).Length >= 4 << 20))
            {
                Assert.True(DateTime.UtcNow < deadline, "rsync wrote no data into the repository");
                await Task.Delay(100);
            }
            await Support.Lab.RunAsync("cut", "pve-dc2");

            var failed = await TaskApi.WaitAsync(portal.Admin, id, TaskTimeout);

            Assert.Equal("Failed", failed.Status);
            Assert.Contains("pve-dc2", failed.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", failed.Stages.Single(s => s.Name == "Pull").Status);
            var partialDir = Path.Combine(RepositoryDir("pve-dc2", 7200), ".rsync-partial");
            Assert.True(Directory.Exists(partialDir), $"rsync kept no partial data. {failed.Error}\n" +
                string.Join('\n', (await portal.Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.TakeLast(15).Select(l => l.Line)));
            var partial = Directory.GetFiles(partialDir).Single();
            var kept = new FileInfo(partial).Length;
            // How much rsync keeps depends on where the stream stood when ssh gave up (seen: 448 KiB to 8 MiB); some must be.
            Assert.True(kept > 0, "no partial data was kept for the retry");
            var keptBytes = await File.ReadAllBytesAsync(partial);

            await Support.Lab.RunAsync("heal", "pve-dc2");
            await Support.Lab.RunAsync("shape", "pve-dc2", "--off");
            Assert.Equal(HttpStatusCode.OK, (await portal.Admin.PostAsync($"/api/v1/tasks/{id}/retry", null)).StatusCode);
            var retried = await TaskApi.WaitAsync(portal.Admin, id, TaskTimeout);

            Assert.True(retried.Status == "Succeeded", $"{retried.Status}: {retried.Error}");
            Assert.Equal(2, retried.Attempts);
            var archive = Assert.Single((await portal.Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.True(archive.Verified);
            // What was kept is the true beginning of the archive the retry completed.
            var final = await File.ReadAllBytesAsync(Path.Combine(RepositoryDir("pve-dc2", 7200), archive.FileName));
            Assert.True(final.AsSpan(0, keptBytes.Length).SequenceEqual(keptBytes), "the kept partial data is not the start of the finished archive");
            // The same task went on from its failed stage: no second backup, the pull picked up the kept partial data.
            var log = await portal.Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options);
            Assert.Contains(log!.Lines, l => l.Line.Contains("Resuming", StringComparison.Ordinal));
            Assert.Single(log.Lines, l => l.Line.Contains("Backup job finished successfully", StringComparison.Ordinal));
        }
        finally
        {
            await Support.Lab.RunAsync("heal", "pve-dc2");
            await Support.Lab.RunAsync("shape", "pve-dc2", "--off");
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "7200");
        }
    }

    [Theory]
    [InlineData("Pull", "pve-dc2")]
    [InlineData("Push", "pve-dr1")]
    public async Task KillingThePortal_DuringATransfer_ThenStartingIt_CompletesTheTaskWithIntactData(string stage, string slowHost)
    {
        var vmid = stage == "Pull" ? 7300 : 7400;
        var target = vmid + 2000;
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", vmid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--size", "64M", "--fill", "1.0");
        var pair = await PairAsync(portal.Admin, "pve-dc2", vmid, "pve-dr1", target);
        var dataDirectory = portal.DataDirectory;
        try
        {
            await Support.Lab.RunAsync("shape", slowHost, "--rate", "20mbit");
            long id;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, dataDirectory))
            {
                using var client = await ClientAsync(first);
                id = await RequestAsync(client, pair.Id, "replicate");
                await WaitForStageAsync(client, id, stage, 4 << 20);
                first.Crash();
            }
            await Support.Lab.RunAsync("shape", slowHost, "--off");

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, dataDirectory);
            using var again = await ClientAsync(second);
            var task = await TaskApi.WaitAsync(again, id, TaskTimeout);

            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}");
            Assert.Equal(2, task.Attempts);
            Assert.Equal(1, task.Stages.Count(s => s.Name == "Backup"));
            Assert.Single((await again.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc2", vmid), await Support.Lab.ChecksumAsync("pve-dr1", target));
            var log = (await again.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.Select(l => l.Line).ToList();
            Assert.Single(log, l => l.Contains("Backup job finished successfully", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains($"{stage} (again: it was interrupted)", StringComparison.Ordinal));
        }
        finally
        {
            await Support.Lab.RunAsync("shape", slowHost, "--off");
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", vmid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Support.Lab.RunAsync("exec", "pve-dr1", "--", "sh", "-c", $"qm stop {target} 2>/dev/null; qm destroy {target} 2>/dev/null; true");
        }
    }

    [Fact]
    public async Task KillingThePortal_DuringABackup_StopsTheVzdumpItLeftRunning_AndTheResumedBackupSucceeds()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "7500", "--size", "64M", "--fill", "1.0");
        var pair = await PairAsync(portal.Admin, "pve-dc2", 7500, "pve-dr1", 9750);
        var host = portal.Hosts["pve-dc2"];
        long taskId = 0;
        try
        {
            // vzdump --bwlimit keeps the first backup running long enough to lose its portal in the middle.
            await SetBandwidthLimitAsync(host, 4096);
            long id;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory))
            {
                using var client = await ClientAsync(first);
                id = taskId = await RequestAsync(client, pair.Id, "backup");
                await WaitForStageAsync(client, id, "Backup", 4 << 20);
                first.Crash();
            }
            await SetBandwidthLimitAsync(host, null);
            var tag = $"drportal-task-{id}-Backup";
            // A closed session ends that vzdump at its next output line (it dies of SIGPIPE, cleaning up, as the real one does).
            await WaitUntilAsync(async () => !await TaggedRunningAsync("pve-dc2", tag), "the vzdump of the killed portal did not end");
            // When the portal's machine dies outright the host never hears of it, and its vzdump lives on with the VM
            // locked. That is this one: started with the task's tag, detached from any session.
            await Support.Lab.ExecAsync("pve-dc2", "sh", "-c",
                $"DRPORTAL_RUN={tag} setsid vzdump 7500 --dumpdir /var/lib/vz/dump --compress zstd --mode snapshot --bwlimit 1024 </dev/null >/dev/null 2>&1 &");
            await WaitUntilAsync(async () => (await Support.Lab.ExecAsync("pve-dc2", "qm", "config", "7500")).Contains("lock: backup", StringComparison.Ordinal),
                "the leftover vzdump did not lock the VM");

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory);
            using var again = await ClientAsync(second);
            var task = await TaskApi.WaitAsync(again, id, TaskTimeout);

            var log = (await again.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.Select(l => l.Line).ToList();
            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{string.Join('\n', log)}");
            Assert.Equal(2, task.Attempts);
            Assert.Contains(log, l => l.Contains("Stopped 1 command(s) the interrupted attempt left running on pve-dc2", StringComparison.Ordinal));
            Assert.False(await TaggedRunningAsync("pve-dc2", tag));
            var archive = Assert.Single((await again.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.True(archive.Verified);
            // The stopped vzdump cleaned up after itself: no half-written archive and no lock left on the VM.
            Assert.DoesNotContain(".dat", await Support.Lab.ExecAsync("pve-dc2", "ls", "-a", "/var/lib/vz/dump"), StringComparison.Ordinal);
            Assert.DoesNotContain("lock:", await Support.Lab.ExecAsync("pve-dc2", "qm", "config", "7500"), StringComparison.Ordinal);
        }
        finally
        {
            await SetBandwidthLimitAsync(host, null);
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.ExecAsync("pve-dc2", "sh", "-c",
                "for e in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $e 2>/dev/null | grep -qxF \"$1\" && p=${e#/proc/} && kill ${p%/environ}; done; sleep 1; true",
                "sh", $"DRPORTAL_RUN=drportal-task-{taskId}-Backup");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "7500");
        }
    }

    /// <summary>Whether a process with DRPORTAL_RUN=tag runs on the host.</summary>
    private static async Task<bool> TaggedRunningAsync(string host, string tag) =>
        (await Support.Lab.ExecAsync(host, "sh", "-c", "cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -xF \"$1\" | head -1; true", "sh", $"DRPORTAL_RUN={tag}"))
            .Contains(tag, StringComparison.Ordinal);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(250);
        }
    }

    private async Task SetBandwidthLimitAsync(HypervisorDto host, int? kibps)
    {
        var response = await portal.Admin.PutAsJsonAsync($"/api/v1/hypervisors/{host.Id}", new
        {
            name = host.Name,
            address = host.Address,
            sshPort = host.SshPort,
            site = host.Site.ToString(),
            sshUser = host.SshUser,
            dumpDirectory = host.DumpDirectory,
            restoreStorage = host.RestoreStorage,
            bandwidthLimitKiBps = kibps,
            note = host.Note,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<HttpClient> ClientAsync(ExternalPortal external)
    {
        var client = new HttpClient { BaseAddress = external.Address };
        var response = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, $"external-{Guid.NewGuid():N}"[..20]));
        response.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await response.Content.ReadFromJsonAsync<TokenCreated>(Json.Options))!.Token);
        return client;
    }
}
