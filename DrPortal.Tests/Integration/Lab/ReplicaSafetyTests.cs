using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// What a new admin meets first, on the lab: a pair with its defaults replicates again and again, its replica cannot
/// meet the primary, a VM it did not create or that someone started is left alone, and a full recovery host is
/// refused up front or cleaned after.
/// </summary>
[Collection(LabCollection.Name)]
public class ReplicaSafetyTests(LabPortalFixture portal)
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(3);

    private HttpClient Admin => portal.Admin;

    private async Task<VmPairDto> DefaultPairAsync(string source, int sourceVm, int targetVm)
    {
        // Only what the dialog requires: every other setting is the pair's default.
        var response = await Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts[source].Id,
            sourceVm = Convert.ToString(sourceVm, CultureInfo.InvariantCulture),
            targetHypervisorId = portal.Hosts["pve-dr1"].Id,
            targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private async Task<TaskDto> ReplicateAsync(int pairId) =>
        await TaskApi.WaitAsync(Admin, (await TaskApi.RequestAsync(Admin, pairId, "replicate")).TaskId, TaskTimeout);

    private async Task<string> LogAsync(long taskId) =>
        string.Join('\n', (await Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{taskId}/log", Json.Options))!.Lines.Select(l => l.Line));

    private async Task CleanupAsync(VmPairDto pair, params (string Host, int Vm)[] vms)
    {
        await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        foreach (var (host, vm) in vms)
        {
            await Support.Lab.RunAsync("vm", "destroy", host, vm.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task ReplicateTwice_WithThePairsDefaults_ReplacesItsOwnStoppedReplica_AndLeavesOneSomeoneStartedAlone()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5700", "--name", "web07", "--size", "32M", "--fill", "0.5", "--running");
        var pair = await DefaultPairAsync("pve-dc1", 5700, 9570);
        try
        {
            Assert.Equal("Off", pair.ReplicaStart.ToString());
            Assert.False(pair.OverwriteExistingTarget);

            var first = await ReplicateAsync(pair.Id);
            Assert.True(first.Status == "Succeeded", $"{first.Status}: {first.Error}\n{await LogAsync(first.Id)}");
            Assert.Equal("Skipped", first.Stages.Single(s => s.Name == "Start").Status);
            Assert.Contains("status: stopped", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9570"), StringComparison.Ordinal);

            await Support.Lab.RunAsync("vm", "change", "pve-dc1", "5700", "--percent", "20");
            var second = await ReplicateAsync(pair.Id);

            Assert.True(second.Status == "Succeeded", $"{second.Status}: {second.Error}\n{await LogAsync(second.Id)}");
            Assert.Contains("VM 9570 on pve-dr1 is this pair's replica: it is replaced.", await LogAsync(second.Id), StringComparison.Ordinal);
            Assert.Equal(await Support.Lab.ChecksumAsync("pve-dc1", 5700), await Support.Lab.ChecksumAsync("pve-dr1", 9570));
            Assert.Contains("status: stopped", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9570"), StringComparison.Ordinal);

            // Someone starts the replica (a failover, a test): the next run must not stop it.
            await Support.Lab.ExecAsync("pve-dr1", "qm", "start", "9570");
            var before = await Support.Lab.ChecksumAsync("pve-dr1", 9570);
            var third = await ReplicateAsync(pair.Id);

            Assert.Equal("Failed", third.Status);
            Assert.Contains("someone started it", third.Error, StringComparison.Ordinal);
            Assert.Equal("Failed", third.Stages.Single(s => s.Name == "Preflight").Status);
            Assert.Equal("Pending", third.Stages.Single(s => s.Name == "Backup").Status);
            Assert.Contains("status: running", await Support.Lab.ExecAsync("pve-dr1", "qm", "status", "9570"), StringComparison.Ordinal);
            Assert.Equal(before, await Support.Lab.ChecksumAsync("pve-dr1", 9570));
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5700), ("pve-dr1", 9570));
        }
    }

    [Fact]
    public async Task Preflight_OfAPairWhoseTargetIsSomeoneElsesVm_SaysSoWithoutTouchingAnything()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5710", "--size", "16M", "--fill", "0.2");
        await Support.Lab.RunAsync("vm", "create", "pve-dr1", "9571", "--size", "16M", "--fill", "0.2", "--name", "someone-else");
        var pair = await DefaultPairAsync("pve-dc1", 5710, 9571);
        try
        {
            var report = (await Admin.GetFromJsonAsync<PreflightDto>($"/api/v1/pairs/{pair.Id}/preflight?kind=Replicate", Json.Options))!;

            Assert.False(report.CanRun);
            Assert.Equal("Refused", report.Target.ToString());
            Assert.Contains("VM 9571 on pve-dr1 exists and was not created by this pair", report.TargetSummary, StringComparison.Ordinal);
            Assert.Contains(report.Checks, c => c.Name == "Source VM 5710" && c.Status.ToString() == "Passed");
            Assert.Contains(report.Checks, c => c.Name == "Free space on pve-dr1" && c.Status.ToString() == "Passed");
            Assert.Contains("name: someone-else", await Support.Lab.ExecAsync("pve-dr1", "qm", "config", "9571"), StringComparison.Ordinal);

            var backup = (await Admin.GetFromJsonAsync<PreflightDto>($"/api/v1/pairs/{pair.Id}/preflight?kind=Backup", Json.Options))!;
            Assert.True(backup.CanRun);
            Assert.Equal("NotTouched", backup.Target.ToString());
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5710), ("pve-dr1", 9571));
        }
    }

    [Fact]
    public async Task Replicate_ToARecoveryHostTooFullForTheArchive_IsRefusedBeforeSending_AndLeavesNothingThere()
    {
        // Random data: zstd cannot shrink it, so the archive is about the disk's size.
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "5720", "--size", "24M", "--fill", "1.0");
        var pair = await DefaultPairAsync("pve-dc2", 5720, 9572);
        await Support.Lab.RunAsync("fill", "pve-dr1", "--free", "10M");
        try
        {
            var task = await ReplicateAsync(pair.Id);

            Assert.Equal("Failed", task.Status);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Push").Status);
            Assert.Matches(@"needs 24(\.\d+)? MiB on pve-dr1, but only \d+(\.\d+)? [KM]iB is free in /var/lib/vz/dump", task.Error);
            Assert.Contains("Nothing was sent", task.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("vzdump-qemu-5720", await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "ls -aR /var/lib/vz/dump"), StringComparison.Ordinal);
            Assert.DoesNotContain("9572", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);

            // The next run knows the archive's size and says so before any backup.
            var again = await ReplicateAsync(pair.Id);
            Assert.Equal("Failed", again.Stages.Single(s => s.Name == "Preflight").Status);
            Assert.Contains("Make room there first", again.Error, StringComparison.Ordinal);
        }
        finally
        {
            await Support.Lab.RunAsync("fill", "pve-dr1", "--off");
            await CleanupAsync(pair, ("pve-dc2", 5720));
        }
    }

    [Fact]
    public async Task ARelayThatFillsTheRecoveryDisk_RemovesItsPartialData_AndThePushSaysHowMuchWasNeededAndFree()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "5730", "--size", "24M", "--fill", "1.0");
        var pair = await DefaultPairAsync("pve-dc2", 5730, 9573);
        // Room for the archive when the relay starts; then something else takes it while the bytes flow (slowed to see it).
        await Support.Lab.RunAsync("fill", "pve-dr1", "--free", "40M");
        await Support.Lab.RunAsync("shape", "pve-dr1", "--rate", "16mbit");
        try
        {
            var taskId = (await TaskApi.RequestAsync(Admin, pair.Id, "replicate")).TaskId;
            // The recovery host's link is the slower one, so the pull moves at the relay's pace.
            await WaitForStageBytesAsync(taskId, "Pull", 2 << 20);
            await FillRecoveryDiskAsync();
            var task = await TaskApi.WaitAsync(Admin, taskId, TaskTimeout);

            Assert.Equal("Failed", task.Status);
            Assert.Equal("Succeeded", task.Stages.Single(s => s.Name == "Pull").Status);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Push").Status);
            Assert.Matches(@"needs 24(\.\d+)? MiB on pve-dr1, but only \d+(\.\d+)? [KM]iB is free in /var/lib/vz/dump", task.Error);
            Assert.Contains("Nothing was sent", task.Error, StringComparison.Ordinal);
            Assert.Contains("was not sent on to pve-dr1 during the pull", await LogAsync(taskId), StringComparison.Ordinal);
            var left = await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "find /var/lib/vz/dump -name '*5730*' -o -path '*.rsync-partial/*'");
            Assert.True(left.Trim().Length == 0, $"left on pve-dr1: {left}");
            Assert.DoesNotContain("9573", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);
        }
        finally
        {
            await Support.Lab.RunAsync("shape", "pve-dr1", "--off");
            await Support.Lab.RunAsync("fill", "pve-dr1", "--off");
            await CleanupAsync(pair, ("pve-dc2", 5730));
        }
    }

    [Fact]
    public async Task ARestorePushThatFillsTheRecoveryDisk_RemovesItsPartialData_SaysHowMuchWasNeededAndFree_AndKeepsTheReplica()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "5740", "--size", "24M", "--fill", "1.0");
        var pair = await DefaultPairAsync("pve-dc2", 5740, 9574);
        try
        {
            Assert.Equal("Succeeded", (await ReplicateAsync(pair.Id)).Status);
            var point = Assert.Single((await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            // A restore sends the repository copy by rsync (no pull to relay it); the host's copy is gone, so all of it moves.
            await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "rm -f /var/lib/vz/dump/*5740*");
            await Support.Lab.RunAsync("fill", "pve-dr1", "--free", "40M");
            await Support.Lab.RunAsync("shape", "pve-dr1", "--rate", "16mbit");
            var taskId = (await TaskApi.RequestAsync(Admin, pair.Id, "restore", new { archiveId = point.Id })).TaskId;
            await WaitForStageBytesAsync(taskId, "Push", 2 << 20);
            await FillRecoveryDiskAsync();
            var task = await TaskApi.WaitAsync(Admin, taskId, TaskTimeout);

            Assert.Equal("Failed", task.Status);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Push").Status);
            Assert.Contains("The receiving disk is full", task.Error, StringComparison.Ordinal);
            Assert.Matches(@"needs 24(\.\d+)? MiB; \d+(\.\d+)? [KM]iB is free in /var/lib/vz/dump on pve-dr1 after removing the partial copy", task.Error);
            var left = await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "find /var/lib/vz/dump -name '*5740*' -o -path '*.rsync-partial/*'");
            Assert.True(left.Trim().Length == 0, $"left on pve-dr1: {left}");
            // The push failed before the replica was touched: the recovery site keeps its last good VM.
            Assert.Contains("9574", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);
        }
        finally
        {
            await Support.Lab.RunAsync("shape", "pve-dr1", "--off");
            await Support.Lab.RunAsync("fill", "pve-dr1", "--off");
            await CleanupAsync(pair, ("pve-dc2", 5740), ("pve-dr1", 9574));
        }
    }

    /// <summary>Another job takes all but 1 MiB of the recovery host's dump area.</summary>
    private static Task<string> FillRecoveryDiskAsync() =>
        Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "fallocate -l $(( $(df -P -B1 /var/lib/vz/dump | awk 'NR==2 {print $4}') - 1048576 )) /var/lib/vz/dump/lost+found/.other-job");

    [Fact]
    public async Task AFailedRestoreIntoAFreeVmid_RemovesTheStubItLeft_SoTheNextRunCanCreateTheVm()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5740", "--size", "16M", "--fill", "0.3");
        // pve-dr1 once more, registered with a restore storage it does not have: qmrestore fails inside its task.
        var dr1 = await Support.Lab.HostAsync("pve-dr1");
        var created = await Admin.PostAsJsonAsync("/api/v1/hypervisors", new
        {
            name = "dr1-nostorage",
            address = dr1.Address,
            sshPort = 22,
            site = "Recovery",
            sshUser = "root",
            restoreStorage = "nosuch",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        var key = dr1.HostKey.Split(' ');
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Core.Hosts.IHypervisorStore>(portal.Services)
            .PinHostKeyAsync(host.Id, new Core.Hosts.HostKey(key[0], Convert.FromBase64String(key[1])), "test", CancellationToken.None);
        var response = await Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = portal.Hosts["pve-dc1"].Id,
            sourceVm = "5740",
            targetHypervisorId = host.Id,
            targetVm = "9574",
        });
        var pair = (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
        try
        {
            var task = await ReplicateAsync(pair.Id);

            Assert.Equal("Failed", task.Status);
            Assert.Equal("Failed", task.Stages.Single(s => s.Name == "Restore").Status);
            Assert.Contains("storage 'nosuch' does not exist", task.Error, StringComparison.Ordinal);
            Assert.Contains("What the failed restore left at VM 9574 (free before this task) was removed.", task.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("9574", await Support.Lab.ExecAsync("pve-dr1", "qm", "list"), StringComparison.Ordinal);
            Assert.Contains("gone", await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "[ -e /etc/pve/qemu-server/9574.conf ] && echo there || echo gone"), StringComparison.Ordinal);
        }
        finally
        {
            await CleanupAsync(pair, ("pve-dc1", 5740));
            await Admin.DeleteAsync($"/api/v1/hypervisors/{host.Id}");
        }
    }

    private async Task WaitForStageBytesAsync(long taskId, string stage, long bytes)
    {
        var deadline = DateTime.UtcNow + TaskTimeout;
        while (true)
        {
            var task = (await Admin.GetFromJsonAsync<TaskDto>($"/api/v1/tasks/{taskId}", Json.Options))!;
            if (task.Stage == stage && task.BytesDone >= bytes)
            {
                return;
            }
            Assert.False(task.Status is "Succeeded" or "Failed" or "Cancelled", $"task ended ({task.Status}: {task.Error}) before its {stage} moved {bytes} bytes");
            Assert.True(DateTime.UtcNow < deadline, $"the {stage} never got going");
            await Task.Delay(100);
        }
    }
}
