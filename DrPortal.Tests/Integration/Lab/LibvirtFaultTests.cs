using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// Faults on real libvirtd and QEMU: a cut link, a portal killed in the middle of a virsh backup job, a target that is
/// someone else's domain, a restore that fails. Each ends cleanly or resumes, and what the guest sees is never lost.
/// </summary>
[Collection(LabCollection.Name)]
public class LibvirtFaultTests(LabPortalFixture portal)
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(4);

    private HttpClient Admin => portal.Admin;

    [Fact]
    public async Task ACutLinkDuringPull_FailsClearly_AndARetryAfterHealingEndsWithAnIdenticalDomain()
    {
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvcut1", "--size", "64M", "--fill", "1.0", "--memory", "32", "--running");
        var pair = await PairAsync(Admin, "lvcut1", "lvcut1-dr", overwrite: true);
        try
        {
            await Support.Lab.RunAsync("shape", "kvm-dc1", "--rate", "20mbit");
            var id = (await TaskApi.RequestAsync(Admin, pair.Id, "replicate")).TaskId;
            await WaitForStageAsync(Admin, id, "Pull", 8 << 20);
            await Support.Lab.RunAsync("cut", "kvm-dc1");

            var failed = await TaskApi.WaitAsync(Admin, id, TaskTimeout);

            Assert.Equal("Failed", failed.Status);
            Assert.Contains("kvm-dc1", failed.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", failed.Stages.Single(s => s.Name == "Pull").Status);
            Assert.Equal("no", await ExistsAsync("kvm-dr1", "lvcut1-dr"));

            await Support.Lab.RunAsync("heal", "kvm-dc1");
            await Support.Lab.RunAsync("shape", "kvm-dc1", "--off");
            Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync($"/api/v1/tasks/{id}/retry", null)).StatusCode);
            var retried = await TaskApi.WaitAsync(Admin, id, TaskTimeout);

            var log = await LogAsync(Admin, id);
            Assert.True(retried.Status == "Succeeded", $"{retried.Status}: {retried.Error}\n{log}");
            Assert.Equal(2, retried.Attempts);
            // The retry went on from the failed pull: one backup job, one restore point, and the replica is the source.
            Assert.Single(log.Split('\n'), l => l.Contains("Backup job started in domain lvcut1", StringComparison.Ordinal));
            Assert.Single((await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.Equal(await ChecksumAsync("kvm-dc1", "lvcut1"), await ChecksumAsync("kvm-dr1", "lvcut1-dr"));
        }
        finally
        {
            await Support.Lab.RunAsync("heal", "kvm-dc1");
            await Support.Lab.RunAsync("shape", "kvm-dc1", "--off");
            await CleanupAsync(pair, ("kvm-dc1", "lvcut1"), ("kvm-dr1", "lvcut1-dr"));
        }
    }

    [Fact]
    public async Task Replicate_OverADomainThePairDidNotCreate_IsRefusedUnchanged_ThenReplacedWhenThePairAllows()
    {
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvown1", "--size", "64M", "--fill", "0.5", "--memory", "32", "--running");
        await Support.Lab.RunAsync("vm", "create", "kvm-dr1", "lvown1-dr", "--size", "64M", "--fill", "0.2", "--memory", "32");
        var refusing = await PairAsync(Admin, "lvown1", "lvown1-dr", overwrite: false);
        VmPairDto? allowing = null;
        try
        {
            var uuid = await Virsh("kvm-dr1", "domuuid", "--domain", "lvown1-dr");
            var xml = await Virsh("kvm-dr1", "dumpxml", "--domain", "lvown1-dr", "--inactive");
            var data = await ChecksumAsync("kvm-dr1", "lvown1-dr");

            var refused = await RunAsync(Admin, refusing, "replicate");

            Assert.Equal("Failed", refused.Status);
            Assert.Contains("VM lvown1-dr on kvm-dr1 exists and was not created by this pair", refused.Error, StringComparison.Ordinal);
            Assert.Equal("Pending", refused.Stages.Single(s => s.Name == "Backup").Status);
            Assert.Equal(uuid, await Virsh("kvm-dr1", "domuuid", "--domain", "lvown1-dr"));
            Assert.Equal(xml, await Virsh("kvm-dr1", "dumpxml", "--domain", "lvown1-dr", "--inactive"));
            Assert.Equal(data, await ChecksumAsync("kvm-dr1", "lvown1-dr"));

            await Admin.DeleteAsync($"/api/v1/pairs/{refusing.Id}");
            allowing = await PairAsync(Admin, "lvown1", "lvown1-dr", overwrite: true);
            var replaced = await RunAsync(Admin, allowing, "replicate");

            Assert.True(replaced.Status == "Succeeded", $"{replaced.Status}: {replaced.Error}\n{await LogAsync(Admin, replaced.Id)}");
            Assert.Contains("was not created by this pair; 'replace a VM this pair did not create' is on", await LogAsync(Admin, replaced.Id), StringComparison.Ordinal);
            Assert.NotEqual(uuid, await Virsh("kvm-dr1", "domuuid", "--domain", "lvown1-dr"));
            Assert.Equal(await ChecksumAsync("kvm-dc1", "lvown1"), await ChecksumAsync("kvm-dr1", "lvown1-dr"));
        }
        finally
        {
            await Admin.DeleteAsync($"/api/v1/pairs/{refusing.Id}");
            await CleanupAsync(allowing, ("kvm-dc1", "lvown1"), ("kvm-dr1", "lvown1-dr"));
        }
    }

    [Fact]
    public async Task ARestoreThatFails_OverThePairsReplica_LeavesThePreviousGoodReplicaDefinedAndIntact()
    {
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvbad1", "--size", "64M", "--fill", "0.5", "--memory", "32", "--running");
        var pair = await PairAsync(Admin, "lvbad1", "lvbad1-dr", overwrite: false);
        var host = portal.Hosts["kvm-dr1"];
        // A file where the restore storage's directory would be: the restore cannot write a disk there.
        const string blocked = "/var/lib/libvirt/images/drportal-test-blocked/images";
        try
        {
            var first = await RunAsync(Admin, pair, "replicate");
            Assert.True(first.Status == "Succeeded", $"{first.Status}: {first.Error}\n{await LogAsync(Admin, first.Id)}");
            var good = await ChecksumAsync("kvm-dr1", "lvbad1-dr");
            var uuid = await Virsh("kvm-dr1", "domuuid", "--domain", "lvbad1-dr");
            await Support.Lab.RunAsync("vm", "change", "kvm-dc1", "lvbad1", "--percent", "5");
            await Support.Lab.ExecAsync("kvm-dr1", "sh", "-c", "mkdir -p \"$(dirname \"$(dirname \"$1\")\")\" && touch \"$(dirname \"$1\")\"", "sh", blocked);
            await SetRestoreStorageAsync(host, blocked);

            var failed = await RunAsync(Admin, pair, "replicate");

            Assert.Equal("Failed", failed.Status);
            Assert.Equal("Failed", failed.Stages.Single(s => s.Name == "Restore").Status);
            Assert.Equal(uuid, await Virsh("kvm-dr1", "domuuid", "--domain", "lvbad1-dr"));
            Assert.Equal(good, await ChecksumAsync("kvm-dr1", "lvbad1-dr"));

            // Once the storage is right again the pair replaces its own replica with the newer point.
            await SetRestoreStorageAsync(host, null);
            var again = await RunAsync(Admin, pair, "replicate");
            Assert.True(again.Status == "Succeeded", $"{again.Status}: {again.Error}\n{await LogAsync(Admin, again.Id)}");
            Assert.Equal(await ChecksumAsync("kvm-dc1", "lvbad1"), await ChecksumAsync("kvm-dr1", "lvbad1-dr"));
        }
        finally
        {
            await SetRestoreStorageAsync(host, null);
            await Support.Lab.ExecAsync("kvm-dr1", "rm", "-rf", "/var/lib/libvirt/images/drportal-test-blocked");
            await CleanupAsync(pair, ("kvm-dc1", "lvbad1"), ("kvm-dr1", "lvbad1-dr"));
        }
    }

    [Fact]
    public async Task KillingThePortal_DuringABackupJob_ThenStartingIt_ClearsTheJobAndWhatItLeft_AndTheDomainKeepsRunning()
    {
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvkill1", "--size", "1G", "--fill", "1.0", "--memory", "32", "--running");
        var pair = await PairAsync(Admin, "lvkill1", "lvkill1-dr", overwrite: true);
        var qemu = await QemuPidAsync("kvm-dc1", "lvkill1");
        const string throttled = "/run/drportal-test-throttled";
        try
        {
            // QEMU copies a disk in a blink (64 copies of up to 1 MiB in flight): the first block job to appear in the domain
            // is held to 512 KiB/s after that burst, so the portal can be killed while libvirt's backup job still writes.
            // The disk is 1 GiB of data so that on a loaded machine the job is still running when the poller sees it
            // (with 256 MiB a CI run once saw the job already concluded).
            // One virsh session polls, so the speed is set within milliseconds of the job starting.
            await Support.Lab.ExecAsync("kvm-dc1", "bash", "-c", "setsid bash -c \"$0\" bash lvkill1 \"$1\" </dev/null >/dev/null 2>&1 &", ThrottleFirstBlockJob, throttled);
            long id;
            using (var first = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory))
            {
                using var client = await ClientAsync(first);
                id = (await TaskApi.RequestAsync(client, pair.Id, "backup")).TaskId;
                await WaitForStageAsync(client, id, "Backup", 2 << 20);
                first.Crash();
            }
            var throttle = await Support.Lab.ExecAsync("kvm-dc1", "cat", throttled);
            Assert.True(throttle.Contains("\"return\"", StringComparison.Ordinal), $"the backup job was not slowed down: {throttle}");
            Assert.Contains("Backup", await Virsh("kvm-dc1", "domjobinfo", "--domain", "lvkill1"), StringComparison.Ordinal);
            var stale = Assert.Single(Lines(await Virsh("kvm-dc1", "checkpoint-list", "--domain", "lvkill1", "--name")));
            var lostFiles = "lvkill1-" + stale["drportal-".Length..];
            Assert.Contains(lostFiles + "-vda.qcow2", await StagedAsync("lvkill1"));

            using var second = await ExternalPortal.StartAsync(portal.ConnectionString, portal.DataDirectory);
            using var again = await ClientAsync(second);
            var task = await TaskApi.WaitAsync(again, id, TaskTimeout);

            var log = await LogAsync(again, id);
            Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{log}");
            Assert.Equal(2, task.Attempts);
            Assert.Contains("Aborted the backup job an earlier attempt left running in domain lvkill1 on kvm-dc1", log, StringComparison.Ordinal);
            Assert.Contains("Job type:         None", await Virsh("kvm-dc1", "domjobinfo", "--domain", "lvkill1"), StringComparison.Ordinal);
            // Only the finished point is left: its checkpoint (not the lost attempt's) and its files in the staging directory.
            var archive = Assert.Single((await again.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.True(archive.Verified);
            Assert.Contains($"Deleted its checkpoint {stale}: no restore point holds it.", log, StringComparison.Ordinal);
            Assert.Contains($"Removed its half-written files ({lostFiles}) from /var/lib/libvirt/drportal.", log, StringComparison.Ordinal);
            var checkpoint = Assert.Single(Lines(await Virsh("kvm-dc1", "checkpoint-list", "--domain", "lvkill1", "--name")));
            Assert.NotEqual(stale, checkpoint);
            Assert.DoesNotContain(await StagedAsync("lvkill1"), f => f.StartsWith(lostFiles, StringComparison.Ordinal));
            // The domain ran through it all: the same QEMU process.
            Assert.Equal(qemu, await QemuPidAsync("kvm-dc1", "lvkill1"));
            Assert.Contains("running", await Virsh("kvm-dc1", "domstate", "--domain", "lvkill1"), StringComparison.Ordinal);
        }
        finally
        {
            await Support.Lab.ExecAsync("kvm-dc1", "rm", "-f", throttled);
            await CleanupAsync(pair, ("kvm-dc1", "lvkill1"));
        }
    }

    /// <summary>bash: $1 the domain, $2 a file that gets the job's id and QEMU's answer once its speed is set.</summary>
    private const string ThrottleFirstBlockJob = """
        d=$1
        coproc V { virsh -q -c qemu:///system 2>&1; }
        answer() { while IFS= read -r l <&"${V[0]}"; do case $l in 'virsh #'*|'') continue;; esac; break; done; }
        end=$((SECONDS + 120))
        while [ $SECONDS -lt $end ]; do
          printf '%s\n' "qemu-monitor-command $d '{\"execute\":\"query-block-jobs\"}'" >&"${V[1]}"
          answer
          j=$(printf '%s\n' "$l" | grep -o '"device": *"[^"]*"' | head -n 1 | sed 's/.*: *//')
          if [ -n "$j" ]; then
            printf '%s\n' "qemu-monitor-command $d '{\"execute\":\"block-job-set-speed\",\"arguments\":{\"device\":$j,\"speed\":524288}}'" >&"${V[1]}"
            answer
            printf '%s %s\n' "$j" "$l" >"$2"
            exit 0
          fi
        done
        exit 1
        """;

    private async Task<VmPairDto> PairAsync(HttpClient client, string source, string target, bool overwrite)
    {
        var response = await client.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts["kvm-dc1"].Id,
            sourceVm = source,
            targetHypervisorId = portal.Hosts["kvm-dr1"].Id,
            targetVm = target,
            replicaStart = "Off",
            overwriteExistingTarget = overwrite,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private static async Task<TaskDto> RunAsync(HttpClient client, VmPairDto pair, string kind) =>
        await TaskApi.WaitAsync(client, (await TaskApi.RequestAsync(client, pair.Id, kind)).TaskId, TaskTimeout);

    /// <summary>Polls until the task is in the stage and has moved at least the bytes.</summary>
    private static async Task WaitForStageAsync(HttpClient client, long taskId, string stage, long bytes)
    {
        var deadline = DateTime.UtcNow + TaskTimeout;
        while (true)
        {
            var task = (await client.GetFromJsonAsync<TaskDto>($"/api/v1/tasks/{taskId}", Json.Options))!;
            if (task.Stage == stage && task.BytesDone >= bytes)
            {
                return;
            }
            Assert.False(task.Status is "Succeeded" or "Failed" or "Cancelled", $"task ended ({task.Status}: {task.Error}) before reaching {stage}");
            Assert.True(DateTime.UtcNow < deadline, $"task never reached {stage} with {bytes} bytes");
            await Task.Delay(100);
        }
    }

    private async Task SetRestoreStorageAsync(Web.Api.HypervisorDto host, string? storage)
    {
        var response = await Admin.PutAsJsonAsync($"/api/v1/hypervisors/{host.Id}", new
        {
            name = host.Name,
            address = host.Address,
            sshPort = host.SshPort,
            kind = host.Kind.ToString(),
            site = host.Site.ToString(),
            sshUser = host.SshUser,
            stagingDirectory = host.StagingDirectory,
            restoreStorage = storage,
            bandwidthLimitKiBps = host.BandwidthLimitKiBps,
            note = host.Note,
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> LogAsync(HttpClient client, long taskId)
    {
        var log = await client.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{taskId}/log?take=1000", Json.Options);
        return string.Join('\n', log!.Lines.Select(l => l.Line));
    }

    /// <summary>SHA-256 of each disk as the guest sees it ("vda" → hex).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ChecksumAsync(string host, string domain) =>
        (await Support.Lab.RunAsync("vm", "checksum", host, domain))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1].Trim());

    private static async Task<string> ExistsAsync(string host, string domain) =>
        Lines(await Virsh(host, "list", "--all", "--name")).Contains(domain) ? "yes" : "no";

    /// <summary>The domain's QEMU process id from libvirt's pid file in the host.</summary>
    private static async Task<string> QemuPidAsync(string host, string domain) =>
        (await Support.Lab.ExecAsync(host, "cat", $"/run/libvirt/qemu/{domain}.pid")).Trim();

    /// <summary>The domain's files in kvm-dc1's staging directory (the restore points' and any half-written ones).</summary>
    private static async Task<List<string>> StagedAsync(string domain) =>
        Lines(await Support.Lab.ExecAsync("kvm-dc1", "sh", "-c", "cd /var/lib/libvirt/drportal && ls -a | grep -F -- \"$1-\"; true", "sh", domain));

    private static Task<string> Virsh(string host, params string[] arguments) =>
        Support.Lab.ExecAsync(host, ["virsh", "-c", "qemu:///system", .. arguments]);

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static Task<HttpClient> ClientAsync(ExternalPortal external) => external.CreateAdminClientAsync();

    private async Task CleanupAsync(VmPairDto? pair, params (string Host, string Domain)[] domains)
    {
        if (pair is not null)
        {
            await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        }
        foreach (var (host, domain) in domains)
        {
            try
            {
                await Support.Lab.RunAsync("vm", "destroy", host, domain);
                // The points the test made stay staged on the source host (as they should): the test removes them.
                await Support.Lab.ExecAsync(host, "sh", "-c", "rm -f /var/lib/libvirt/drportal/\"$1\"-*", "sh", domain);
            }
            catch (InvalidOperationException)
            {
                // Not made, or already gone: nothing of it is left to remove.
            }
        }
    }
}
