using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Remote;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using MySqlConnector;

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
            // Reported progress can run ahead of the disk: cut only once the pull's partial file holds data.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var partialDir = Path.Combine(RepositoryDir("pve-dc2", 7200), ".rsync-partial");
            while (!Directory.Exists(partialDir) || !Directory.GetFiles(partialDir, "vzdump-*").Any(f => new FileInfo(f).Length >= 4 << 20))
            {
                Assert.True(DateTime.UtcNow < deadline, "the pull wrote no data into the repository");
                await Task.Delay(100);
            }
            await Support.Lab.RunAsync("cut", "pve-dc2");

            var failed = await TaskApi.WaitAsync(portal.Admin, id, TaskTimeout);

            Assert.Equal("Failed", failed.Status);
            Assert.Contains("pve-dc2", failed.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", failed.Stages.Single(s => s.Name == "Pull").Status);
            Assert.True(Directory.Exists(partialDir), $"the pull kept no partial data. {failed.Error}\n" +
                string.Join('\n', (await portal.Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.TakeLast(15).Select(l => l.Line)));
            var partial = Directory.GetFiles(partialDir).Single();
            var kept = new FileInfo(partial).Length;
            // At least what was on the disk when the link was cut must be kept.
            Assert.True(kept >= 4 << 20, $"only {kept} bytes were kept for the retry");
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
            var final = await File.ReadAllBytesAsync(Path.Combine(RepositoryDir("pve-dc2", 7200), archive.Label));
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

    /// <param name="slowHost">The host whose link is slowed: the source (the pull's hop), or the recovery host (the relay's hop during
    /// the pull, rsync's during a push).</param>
    [Theory]
    [InlineData("Pull", "pve-dc2")]
    [InlineData("Pull", "pve-dr1")]
    [InlineData("Push", "pve-dr1")]
    public async Task KillingThePortal_DuringATransfer_ThenStartingIt_CompletesTheTaskWithIntactData(string stage, string slowHost)
    {
        var vmid = stage == "Push" ? 7400 : slowHost == "pve-dc2" ? 7300 : 7350;
        var target = vmid + 2000;
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", vmid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--size", "64M", "--fill", "1.0");
        var pair = await PairAsync(portal.Admin, "pve-dc2", vmid, "pve-dr1", target);
        var dataDirectory = portal.DataDirectory;
        try
        {
            long? id = null;
            if (stage == "Push")
            {
                // A push sends by rsync only what the pull did not relay: here, all of it, because a first crash makes the pull resume.
                await Support.Lab.RunAsync("shape", "pve-dc2", "--rate", "20mbit");
                using var first = await ExternalPortal.StartAsync(portal.ConnectionString, dataDirectory);
                using var client = await ClientAsync(first);
                id = await RequestAsync(client, pair.Id, "replicate");
                await WaitForStageAsync(client, id.Value, "Pull", 4 << 20);
                first.Crash();
                await Support.Lab.RunAsync("shape", "pve-dc2", "--off");
            }
            await Support.Lab.RunAsync("shape", slowHost, "--rate", "20mbit");
            using (var crashing = await ExternalPortal.StartAsync(portal.ConnectionString, dataDirectory))
            {
                using var client = await ClientAsync(crashing);
                id ??= await RequestAsync(client, pair.Id, "replicate");
                await WaitForStageAsync(client, id.Value, stage, 4 << 20);
                crashing.Crash();
            }
            await Support.Lab.RunAsync("shape", slowHost, "--off");

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, dataDirectory);
            using var again = await ClientAsync(second);
            var task = await TaskApi.WaitAsync(again, id.Value, TaskTimeout);

            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}");
            Assert.Equal(stage == "Push" ? 3 : 2, task.Attempts);
            Assert.Equal(1, task.Stages.Count(s => s.Name == "Backup"));
            Assert.Single((await again.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc2", vmid), await Support.Lab.ChecksumAsync("pve-dr1", target));
            var log = (await again.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.Select(l => l.Line).ToList();
            Assert.Single(log, l => l.Contains("Backup job finished successfully", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains($"{stage} (again: it was interrupted)", StringComparison.Ordinal));
            // Nothing of the transfer is left in the partial-data places, here or on the recovery host.
            Assert.Empty(Directory.GetFiles(Path.Combine(RepositoryDir("pve-dc2", vmid), ".rsync-partial")));
            Assert.Equal("", (await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", $"find /var/lib/vz/dump -path '*.rsync-partial/*{vmid}*'")).Trim());
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
    public async Task KillingThePortal_DuringABackup_StopsTheVzdumpItRecorded_AndTheResumedBackupSucceeds()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "7500", "--size", "64M", "--fill", "1.0");
        var pair = await PairAsync(portal.Admin, "pve-dc2", 7500, "pve-dr1", 9750);
        var host = portal.Hosts["pve-dc2"];
        HostProcess? leftover = null;
        try
        {
            // vzdump --bwlimit keeps the first backup running long enough to lose its portal in the middle.
            await SetBandwidthLimitAsync(host, 4096);
            long id;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory))
            {
                using var client = await ClientAsync(first);
                id = await RequestAsync(client, pair.Id, "backup");
                await WaitForStageAsync(client, id, "Backup", 4 << 20);
                first.Crash();
            }
            await SetBandwidthLimitAsync(host, null);
            var recorded = await RecordedProcessAsync(id, "Backup");
            Assert.NotNull(recorded);
            // A closed session ends that vzdump at its next output line (it dies of SIGPIPE, cleaning up, as the real one does).
            await WaitUntilAsync(async () => !await IsRunningAsync("pve-dc2", recorded), "the vzdump of the killed portal did not end");
            // When the portal's machine dies outright the host never hears of it, and its vzdump lives on with the VM
            // locked. That is this one: started through the same tracked wrapper, detached from any session, and recorded
            // on the stage as the lost attempt would have recorded it.
            leftover = await StartDetachedAsync("pve-dc2",
                ProxmoxCommands.Vzdump(VmId.From(7500), "/var/lib/vz/dump", BackupCompression.Zstd, BackupMode.Snapshot, 1024));
            await RecordProcessAsync(id, "Backup", leftover);
            await WaitUntilAsync(async () => (await Support.Lab.ExecAsync("pve-dc2", "qm", "config", "7500")).Contains("lock: backup", StringComparison.Ordinal),
                "the leftover vzdump did not lock the VM");

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory);
            using var again = await ClientAsync(second);
            var task = await TaskApi.WaitAsync(again, id, TaskTimeout);

            var log = await LogAsync(again, id);
            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{string.Join('\n', log)}");
            Assert.Equal(2, task.Attempts);
            Assert.Contains(log, l => l.Contains($"Stopped the command (pid {leftover.Pid}) the interrupted attempt left running on pve-dc2", StringComparison.Ordinal));
            Assert.False(await IsRunningAsync("pve-dc2", leftover));
            Assert.DoesNotContain(log, l => l.Contains(TrackedCommands.ProcessMarker, StringComparison.Ordinal));
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
            if (leftover is not null)
            {
                // By its recorded PID and start time only, through the same builder the portal uses.
                await Support.Lab.ExecAsync("pve-dc2", ["sh", "-c", "\"$@\"; true", "sh", .. ShellArguments(TrackedCommands.StopLeftover(leftover))]);
            }
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "7500");
        }
    }

    [Fact]
    public async Task KillingThePortal_DuringAStopModeBackupOfARunningVm_ThenStartingIt_LeavesTheVmProcessAlone()
    {
        // A stop-mode backup stops the VM and starts it again itself, so the VM's process is vzdump's child. The resume
        // must not touch it: the VM on the primary host is still the process the interrupted vzdump left running.
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "7600", "--size", "64M", "--fill", "1.0", "--running");
        var pair = await CreatePairAsync(portal.Admin, "pve-dc2", 7600, "pve-dr1", 9760, "Stop");
        var host = portal.Hosts["pve-dc2"];
        const string hold = "/run/drportal-test-hold-vzdump-lock";
        try
        {
            await SetBandwidthLimitAsync(host, 4096);
            long id;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory))
            {
                using var client = await ClientAsync(first);
                id = await RequestAsync(client, pair.Id, "backup");
                await WaitForStageAsync(client, id, "Backup", 4 << 20);
                first.Crash();
            }
            await SetBandwidthLimitAsync(host, null);
            var lost = await RecordedProcessAsync(id, "Backup");
            Assert.NotNull(lost);
            await WaitUntilAsync(async () => !await IsRunningAsync("pve-dc2", lost), "the vzdump of the killed portal did not end");
            await WaitUntilAsync(async () => !(await Support.Lab.ExecAsync("pve-dc2", "qm", "config", "7600")).Contains("lock:", StringComparison.Ordinal),
                "the interrupted vzdump did not unlock the VM");
            var vm = await VmProcessAsync("pve-dc2", 7600);
            Assert.NotNull(vm);
            // Holding vzdump's global lock parks the resumed backup right after the leftover-stopper ran and before it
            // stops the VM itself (as a stop-mode backup does), so the VM process can be compared at that moment.
            await Support.Lab.ExecAsync("pve-dc2", "sh", "-c",
                "touch \"$1\"; setsid flock /run/vzdump.lock sh -c 'while [ -e \"$1\" ]; do sleep 0.2; done' sh \"$1\" </dev/null >/dev/null 2>&1 &", "sh", hold);

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory);
            using var again = await ClientAsync(second);
            await WaitUntilAsync(async () => (await LogAsync(again, id)).Any(l => l.Contains("trying to get global lock", StringComparison.Ordinal)),
                "the resumed backup did not reach vzdump's global lock", TimeSpan.FromSeconds(90));
            var whileResuming = await VmProcessAsync("pve-dc2", 7600);
            await Support.Lab.ExecAsync("pve-dc2", "rm", "-f", hold);
            var task = await TaskApi.WaitAsync(again, id, TaskTimeout);

            var log = await LogAsync(again, id);
            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{string.Join('\n', log)}");
            Assert.Equal(2, task.Attempts);
            Assert.Equal(vm, whileResuming);
            Assert.Contains(log, l => l.Contains($"The command of the interrupted attempt (pid {lost.Pid}) no longer runs on pve-dc2", StringComparison.Ordinal));
            // Both attempts found the VM running, and the backup left it running.
            Assert.Equal(2, log.Count(l => l.Contains("INFO: status = running", StringComparison.Ordinal)));
            Assert.Contains("status: running", await Support.Lab.ExecAsync("pve-dc2", "qm", "status", "7600"), StringComparison.Ordinal);
            Assert.NotNull(await VmProcessAsync("pve-dc2", 7600));
        }
        finally
        {
            await Support.Lab.ExecAsync("pve-dc2", "rm", "-f", hold);
            await SetBandwidthLimitAsync(host, null);
            await portal.Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.ExecAsync("pve-dc2", "sh", "-c", "qm stop 7600 2>/dev/null; true");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "7600");
        }
    }

    private async Task<VmPairDto> CreatePairAsync(HttpClient client, string source, int sourceVm, string target, int targetVm, string backupMode)
    {
        var response = await client.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts[source].Id,
            sourceVm = Convert.ToString(sourceVm, CultureInfo.InvariantCulture),
            targetHypervisorId = portal.Hosts[target].Id,
            targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
            startAfterRestore = false,
            overwriteExistingTarget = true,
            backupMode,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private static async Task<List<string>> LogAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{id}/log", Json.Options))!.Lines.Select(l => l.Line).ToList();

    /// <summary>The host process recorded on the task's stage, read straight from the database.</summary>
    private async Task<HostProcess?> RecordedProcessAsync(long taskId, string stage)
    {
        await using var conn = new MySqlConnection(portal.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("SELECT HostPid, HostPidStartTime FROM task_stages WHERE DrTaskId = @t AND Name = @n", conn);
        cmd.Parameters.AddWithValue("@t", taskId);
        cmd.Parameters.AddWithValue("@n", stage);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(0) && !reader.IsDBNull(1) ? new HostProcess(reader.GetInt32(0), reader.GetInt64(1)) : null;
    }

    private async Task RecordProcessAsync(long taskId, string stage, HostProcess process)
    {
        await using var conn = new MySqlConnection(portal.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new MySqlCommand("UPDATE task_stages SET HostPid = @p, HostPidStartTime = @s WHERE DrTaskId = @t AND Name = @n", conn);
        cmd.Parameters.AddWithValue("@p", process.Pid);
        cmd.Parameters.AddWithValue("@s", process.StartTime);
        cmd.Parameters.AddWithValue("@t", taskId);
        cmd.Parameters.AddWithValue("@n", stage);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    /// <summary>A command as lab.sh exec takes it: the program and its arguments, each one argument.</summary>
    private static string[] ShellArguments(RemoteCommand command) => [command.Program, .. command.Arguments];

    /// <summary>Starts a command through <see cref="TrackedCommands.Tracked"/>, detached from the session, and returns the process its marker names.</summary>
    private static async Task<HostProcess> StartDetachedAsync(string host, RemoteCommand command)
    {
        var marker = $"/run/drportal-test-marker-{Guid.NewGuid():N}";
        await Support.Lab.ExecAsync(host, ["sh", "-c", "m=$1; shift; setsid \"$@\" >\"$m\" 2>&1 </dev/null &", "sh", marker, .. ShellArguments(TrackedCommands.Tracked(command))]);
        HostProcess? process = null;
        await WaitUntilAsync(async () =>
        {
            var first = (await Support.Lab.ExecAsync(host, "sh", "-c", "head -n 1 \"$1\" 2>/dev/null; true", "sh", marker)).Trim();
            process = first.StartsWith(TrackedCommands.ProcessMarker, StringComparison.Ordinal) ? TrackedCommands.ParseMarker(first) : null;
            return process is not null;
        }, "the detached command printed no marker");
        return process!;
    }

    /// <summary>Whether the process with that PID and start time still runs on the host.</summary>
    private static async Task<bool> IsRunningAsync(string host, HostProcess process) =>
        (await Support.Lab.ExecAsync(host, "sh", "-c", "s=$(cat /proc/$1/stat 2>/dev/null) || exit 0; set -- ${s##*\") \"}; case $1 in Z|X) exit 0;; esac; shift 19; echo \"$1\"",
            "sh", process.Pid.ToString(CultureInfo.InvariantCulture))).Trim() == process.StartTime.ToString(CultureInfo.InvariantCulture);

    /// <summary>The VM's kvm process (from its pid file, checked against /proc), or null when it does not run.</summary>
    private static async Task<HostProcess?> VmProcessAsync(string host, int vmid)
    {
        var output = (await Support.Lab.ExecAsync(host, "sh", "-c", """
            read -r p t < "/run/qemu-server/$1.pid" 2>/dev/null || exit 0
            s=$(cat /proc/$p/stat 2>/dev/null) || exit 0
            tr '\0' ' ' < /proc/$p/cmdline | grep -q "^kvm -id $1 " || exit 0
            set -- ${s##*") "}; shift 19
            [ "$1" = "$t" ] && echo "$p $t"; true
            """, "sh", vmid.ToString(CultureInfo.InvariantCulture))).Trim().Split(' ');
        return output.Length == 2 ? new HostProcess(int.Parse(output[0], CultureInfo.InvariantCulture), long.Parse(output[1], CultureInfo.InvariantCulture)) : null;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null) =>
        Support.Poll.UntilAsync(condition, failure, timeout ?? TimeSpan.FromSeconds(30));

    private Task SetBandwidthLimitAsync(HypervisorDto host, int? kibps) => TaskApi.SetBandwidthLimitAsync(portal.Admin, host, kibps);

    private static Task<HttpClient> ClientAsync(ExternalPortal external) => external.CreateAdminClientAsync();
}
