using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>The data path end to end on the lab: real vzdump emulation, rsync over ssh, qmrestore, byte equality.</summary>
[Collection(LabCollection.Name)]
public class ReplicationTests(LabPortalFixture portal)
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(3);

    private HttpClient Admin => portal.Admin;

    private Task<VmPairDto> PairAsync(string source, int sourceVm, string target, int targetVm, bool overwrite = false, bool start = true) =>
        TaskApi.CreatePairAsync(Admin, portal.Hosts[source].Id, sourceVm, portal.Hosts[target].Id, targetVm, overwrite, start);

    private Task<TaskAccepted> RequestAsync(int pairId, string kind, object? body = null) => TaskApi.RequestAsync(Admin, pairId, kind, body);

    internal static Task<TaskDto> WaitAsync(HttpClient client, long taskId, TimeSpan timeout) => TaskApi.WaitAsync(client, taskId, timeout);

    private async Task<string> LogAsync(long taskId)
    {
        var log = await Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{taskId}/log", Json.Options);
        return string.Join('\n', log!.Lines.Select(l => l.Line));
    }

    internal static string ConfigLine(string config, string key) =>
        config.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..]
        ?? throw new Xunit.Sdk.XunitException($"no '{key}' in:\n{config}");

    private async Task CleanupAsync(VmPairDto pair, params (string Host, int Vm)[] vms)
    {
        await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        foreach (var (host, vm) in vms)
        {
            await Support.Lab.RunAsync("vm", "destroy", host, vm.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Replicate_A256MiBVm_RestoresItByteForByte_AndStartsItWithItsLinksDown()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5100", "--name", "db01", "--size", "256M", "--fill", "0.5", "--running");
        var pair = await TaskApi.CreatePairAsync(Admin, portal.Hosts["pve-dc1"].Id, 5100, portal.Hosts["pve-dr1"].Id, 9510, replicaStart: "LinksDown");
        try
        {
            var accepted = await RequestAsync(pair.Id, "replicate");
            Assert.True(accepted.Created);

            var task = await WaitAsync(Admin, accepted.TaskId, TaskTimeout);

            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{await LogAsync(task.Id)}");
            Assert.Equal(["Preflight", "Backup", "Pull", "Push", "Restore", "Start", "Cleanup"], task.Stages.Select(s => s.Name));
            Assert.All(task.Stages, s => Assert.Equal("Succeeded", s.Status));
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc1", 5100), await Support.Lab.ChecksumAsync("pve-dr1", 9510));
            Assert.Contains("status: running", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9510"), StringComparison.Ordinal);
            // Running, but unable to meet the primary: the clone's NIC keeps the primary's MAC with its link down.
            var primaryNic = ConfigLine(await Support.Lab.ExecAsync("pve-dc1", "qm", "config", "5100"), "net0");
            var replicaNic = ConfigLine(await Support.Lab.ExecAsync("pve-dr1", "qm", "config", "9510"), "net0");
            Assert.DoesNotContain("link_down", primaryNic, StringComparison.Ordinal);
            Assert.Contains("link_down=1", replicaNic, StringComparison.Ordinal);
            Assert.Equal(primaryNic.Split(',')[0], replicaNic.Split(',')[0]);

            var archives = await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options);
            var archive = Assert.Single(archives!);
            Assert.Equal(task.ArchiveId, archive.Id);
            Assert.True(archive is { Verified: true, InRepository: true, OnRecovery: true, OnPrimary: false });
            // The manifest: the vzdump archive and its log, each with the SHA-256 of its repository copy.
            Assert.Equal(["archive", "log"], archive.Files.Select(f => f.Role).Order().ToList());
            foreach (var file in archive.Files)
            {
                var repositoryFile = Path.Combine(portal.DataDirectory, "repository", "pve-dc1", "5100", file.Name);
                await using var stream = File.OpenRead(repositoryFile);
                Assert.Equal(file.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
                Assert.Equal(new FileInfo(repositoryFile).Length, file.SizeBytes);
            }
            Assert.Equal(archive.Files.Sum(f => f.SizeBytes), archive.SizeBytes);
            Assert.DoesNotContain(archive.Label, await Support.Lab.ExecAsync("pve-dc1", "ls", "/var/lib/vz/dump"), StringComparison.Ordinal);
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5100), ("pve-dr1", 9510));
        }
    }

    [Fact]
    public async Task Replicate_OverAVmThePairDidNotCreate_IsRefusedBeforeTheBackupWithoutOverwrite_AndReplacesItWithOverwrite()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5200", "--size", "32M", "--fill", "0.5");
        await Support.Lab.RunAsync("vm", "create", "pve-dr1", "9520", "--size", "32M", "--fill", "0.5", "--name", "precious");
        var existing = await Support.Lab.ChecksumAsync("pve-dr1", 9520);
        var pair = await PairAsync("pve-dc1", 5200, "pve-dr1", 9520, overwrite: false, start: false);
        try
        {
            var refused = await WaitAsync(Admin, (await RequestAsync(pair.Id, "replicate")).TaskId, TaskTimeout);

            Assert.Equal("Failed", refused.Status);
            Assert.Contains("VM 9520 on pve-dr1 exists and was not created by this pair", refused.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", refused.Stages.Single(s => s.Name == "Preflight").Status);
            Assert.All(refused.Stages.Where(s => s.Name != "Preflight"), s => Assert.Equal("Pending", s.Status));
            Assert.Null(refused.ArchiveId);
            Assert.DoesNotContain("vzdump-qemu-5200", await Support.Lab.ExecAsync("pve-dc1", "ls", "/var/lib/vz/dump"), StringComparison.Ordinal);
            Assert.Equal(existing, await Support.Lab.ChecksumAsync("pve-dr1", 9520));
            Assert.Contains("name: precious", await Support.Lab.ExecAsync("pve-dr1", "qm", "config", "9520"), StringComparison.Ordinal);

            var update = await Admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new
            {
                sourceHypervisorId = pair.SourceHypervisorId,
                sourceVm = "5200",
                targetHypervisorId = pair.TargetHypervisorId,
                targetVm = "9520",
                replicaStart = "Off",
                overwriteExistingTarget = true,
            });
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);

            var restored = await WaitAsync(Admin, (await RequestAsync(pair.Id, "replicate")).TaskId, TaskTimeout);

            Assert.True(restored.Status == "Succeeded", $"{restored.Status}: {restored.Error}\n{await LogAsync(restored.Id)}");
            Assert.Contains("was not created by this pair; 'replace a VM this pair did not create' is on", await LogAsync(restored.Id), StringComparison.Ordinal);
            Assert.Equal("Skipped", restored.Stages.Single(s => s.Name == "Start").Status);
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc1", 5200), await Support.Lab.ChecksumAsync("pve-dr1", 9520));
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5200), ("pve-dr1", 9520));
        }
    }

    [Fact]
    public async Task Replicate_OfASourceVmThatWasRemoved_FailsInThePreflight_AndChangesNothing()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5999", "--size", "16M", "--fill", "0.1");
        var pair = await PairAsync("pve-dc1", 5999, "pve-dr1", 9599);
        await Support.Lab.RunAsync("vm", "destroy", "pve-dc1", "5999");
        try
        {
            var task = await WaitAsync(Admin, (await RequestAsync(pair.Id, "replicate")).TaskId, TaskTimeout);

            Assert.Equal("Failed", task.Status);
            Assert.Contains("VM 5999 does not exist on pve-dc1", task.Error, StringComparison.Ordinal);
            Assert.Contains("Edit the pair", task.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Preflight").Status);
            Assert.All(task.Stages.Where(s => s.Name != "Preflight"), s => Assert.Equal("Pending", s.Status));
            Assert.Null(task.ArchiveId);
            Assert.Empty((await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.DoesNotContain("9599", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);
        }
        finally
        {
            await CleanupAsync(pair);
        }
    }

    [Fact]
    public async Task ASecondBackupRequest_ReturnsTheRunningTask_InsteadOfQueueingAnother()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "5300", "--size", "64M", "--fill", "0.5");
        var pair = await PairAsync("pve-dc2", 5300, "pve-dr1", 9530);
        try
        {
            var first = await RequestAsync(pair.Id, "backup");
            var second = await RequestAsync(pair.Id, "backup");

            Assert.True(first.Created);
            Assert.False(second.Created);
            Assert.Equal(first.TaskId, second.TaskId);
            var done = await WaitAsync(Admin, first.TaskId, TaskTimeout);
            Assert.Equal(["Preflight", "Backup", "Pull", "Cleanup"], done.Stages.Select(s => s.Name));
            Assert.True(done.Status == "Succeeded", $"{done.Status}: {done.Error}");

            var third = await RequestAsync(pair.Id, "backup");
            Assert.True(third.Created);
            Assert.NotEqual(first.TaskId, third.TaskId);
            await WaitAsync(Admin, third.TaskId, TaskTimeout);
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc2", 5300));
        }
    }

    [Fact]
    public async Task Backups_OnTwoHostsRunInParallel_ButTwoOnOneHostTakeTurns()
    {
        string[] sizes = ["--size", "128M", "--fill", "0.5"];
        await Support.Lab.RunAsync(["vm", "create", "pve-dc1", "5401", .. sizes]);
        await Support.Lab.RunAsync(["vm", "create", "pve-dc1", "5402", .. sizes]);
        await Support.Lab.RunAsync(["vm", "create", "pve-dc2", "5403", .. sizes]);
        var a = await PairAsync("pve-dc1", 5401, "pve-dr1", 9541);
        var b = await PairAsync("pve-dc1", 5402, "pve-dr1", 9542);
        var c = await PairAsync("pve-dc2", 5403, "pve-dr1", 9543);
        // Unlimited, a 128 MiB backup takes half a second, so "beside" was a window of a second that the dc2 task's
        // pre-flight could miss on a loaded machine. At 16 MiB/s each pve-dc1 backup takes about 4 s (its 64 MiB of data):
        // the two in turn leave pve-dc2's unlimited backup a window of about 8 s.
        await TaskApi.SetBandwidthLimitAsync(Admin, portal.Hosts["pve-dc1"], 16 * 1024);
        try
        {
            var first = (await RequestAsync(a.Id, "backup")).TaskId;
            var second = (await RequestAsync(b.Id, "backup")).TaskId;
            // pve-dc2's backup is asked for once vzdump runs on pve-dc1: requested together, its short backup could be over
            // before pve-dc1's first one began (a run measured it 10 ms ahead), which proved nothing either way.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(await LogAsync(first)).Contains("starting new backup job", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the first backup on pve-dc1 did not start within 60 s");
                await Task.Delay(100);
            }
            var ids = new[] { first, second, (await RequestAsync(c.Id, "backup")).TaskId };
            var tasks = new List<TaskDto>();
            foreach (var id in ids)
            {
                tasks.Add(await WaitAsync(Admin, id, TaskTimeout));
            }
            Assert.All(tasks, t => Assert.True(t.Status == "Succeeded", $"{t.Id} {t.Status}: {t.Error}"));
            // When vzdump itself ran on each host, from the task logs' timestamps (the stage also counts the wait for the host).
            var runs = new List<(DateTimeOffset Start, DateTimeOffset End)>();
            foreach (var id in ids)
            {
                var lines = (await Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines;
                runs.Add((lines.First(l => l.Line.Contains("starting new backup job", StringComparison.Ordinal)).At,
                          lines.First(l => l.Line.Contains("Backup job finished", StringComparison.Ordinal)).At));
            }

            static bool Overlap((DateTimeOffset Start, DateTimeOffset End) x, (DateTimeOffset Start, DateTimeOffset End) y) => x.Start < y.End && y.Start < x.End;
            var times = string.Join("; ", runs.Select((r, i) => $"task {ids[i]} {r.Start:HH:mm:ss.fff}–{r.End:HH:mm:ss.fff}"));
            Assert.False(Overlap(runs[0], runs[1]), $"two backups on pve-dc1 ran at the same time: {times}");
            Assert.True(Overlap(runs[0], runs[2]) || Overlap(runs[1], runs[2]), $"the backup on pve-dc2 did not run beside one on pve-dc1: {times}");
            var log = await LogAsync(ids[0]) + await LogAsync(ids[1]);
            Assert.Contains("Waiting for pve-dc1", log, StringComparison.Ordinal);
        }
        finally
        {
            await TaskApi.SetBandwidthLimitAsync(Admin, portal.Hosts["pve-dc1"], null);
            await CleanupAsync(a, ("pve-dc1", 5401));
            await CleanupAsync(b, ("pve-dc1", 5402));
            await CleanupAsync(c, ("pve-dc2", 5403));
        }
    }

    [Fact]
    public async Task AFailingRestore_FailsTheTaskWithTheToolsReason_AndLeavesTheTargetAsItWas()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5500", "--size", "16M", "--fill", "0.5");
        await Support.Lab.RunAsync("vm", "create", "pve-dr1", "9550", "--size", "16M", "--fill", "0.5");
        // A VM another job holds (a backup lock): Proxmox refuses to touch it.
        await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "echo 'lock: backup' >> /etc/pve/qemu-server/9550.conf");
        var before = await Support.Lab.ChecksumAsync("pve-dr1", 9550);
        var pair = await PairAsync("pve-dc1", 5500, "pve-dr1", 9550, overwrite: true, start: false);
        try
        {
            var task = await WaitAsync(Admin, (await RequestAsync(pair.Id, "replicate")).TaskId, TaskTimeout);

            Assert.Equal("Failed", task.Status);
            Assert.Contains("locked", task.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Restore").Status);
            Assert.Equal("Pending", task.Stages.Single(s => s.Name == "Start").Status);
            Assert.Equal(before, await Support.Lab.ChecksumAsync("pve-dr1", 9550));
        }
        finally
        {
            await Support.Lab.ExecAsync("pve-dr1", "sed", "-i", "/^lock:/d", "/etc/pve/qemu-server/9550.conf");
            await CleanupAsync(pair, ("pve-dc1", 5500), ("pve-dr1", 9550));
        }
    }

    [Fact]
    public async Task AHostKeyMismatchOnTheRecoveryHost_FailsInThePreflight_BeforeAnyBackup()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5600", "--size", "16M", "--fill", "0.5");
        // A second entry for pve-dr1's address, pinned to pve-dc1's key: as if the recovery machine had been swapped.
        var dr1 = await Support.Lab.HostAsync("pve-dr1");
        var created = await Admin.PostAsJsonAsync("/api/v1/hypervisors", new { name = "dr1-swapped", address = dr1.Address, sshPort = 22, site = "Recovery", sshUser = "root" });
        var swapped = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        var wrongKey = (await Support.Lab.HostAsync("pve-dc1")).HostKey.Split(' ');
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Core.Hosts.IHypervisorStore>(portal.Services)
            .PinHostKeyAsync(swapped.Id, new Core.Hosts.HostKey(wrongKey[0], Convert.FromBase64String(wrongKey[1])), "test", CancellationToken.None);
        var response = await Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts["pve-dc1"].Id,
            sourceVm = "5600",
            targetHypervisorId = swapped.Id,
            targetVm = "9560",
            replicaStart = "Connected",
            overwriteExistingTarget = true,
        });
        var pair = (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
        try
        {
            var task = await WaitAsync(Admin, (await RequestAsync(pair.Id, "replicate")).TaskId, TaskTimeout);

            Assert.Equal("Failed", task.Status);
            Assert.Contains("host key", task.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Preflight").Status);
            Assert.Equal("Pending", task.Stages.Single(s => s.Name == "Backup").Status);
            Assert.DoesNotContain("vzdump-qemu-5600", await Support.Lab.ExecAsync("pve-dc1", "ls", "-a", "/var/lib/vz/dump"), StringComparison.Ordinal);
            Assert.DoesNotContain("vzdump-qemu-5600", await Support.Lab.ExecAsync("pve-dr1", "ls", "-a", "/var/lib/vz/dump"), StringComparison.Ordinal);
            Assert.DoesNotContain("9560", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5600));
            await Admin.DeleteAsync($"/api/v1/hypervisors/{swapped.Id}");
        }
    }
}
