using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Hosts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// The data path on real libvirtd and QEMU: a running domain on kvm-dc1 backed up with virsh backup-begin (full, then
/// incremental through checkpoints), moved through the portal and rebuilt on kvm-dr1, compared by what the guest sees.
/// </summary>
[Collection(LabCollection.Name)]
public class LibvirtReplicationTests(LabPortalFixture portal)
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromMinutes(4);

    private HttpClient Admin => portal.Admin;

    [Fact]
    public async Task Replicate_RunningDomainThenOnePercentChanged_IsFullThenIncrementalAndEveryPointRestoresIdentical()
    {
        var (dc, dr) = (await LibvirtHostAsync("kvm-dc1"), await LibvirtHostAsync("kvm-dr1"));
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvrep1", "--size", "64M", "--fill", "0.5", "--memory", "32", "--running");
        var pair = await PairAsync(dc, "lvrep1", dr, "lvrep1-dr");
        try
        {
            // The full point: the domain keeps running, the replica is defined and started on kvm-dr1.
            var full = await ReplicateAsync(pair);
            var atFull = await ChecksumAsync("kvm-dc1", "lvrep1");
            Assert.Equal(atFull, await ChecksumAsync("kvm-dr1", "lvrep1-dr"));
            Assert.Contains("running", await Support.Lab.ExecAsync("kvm-dr1", "virsh", "-c", "qemu:///system", "domstate", "--domain", "lvrep1-dr"), StringComparison.Ordinal);
            var fullPoint = await ArchiveAsync(pair, full.ArchiveId);
            Assert.Null(fullPoint.ParentId);
            Assert.Equal(["disk", "domain-xml"], fullPoint.Files.Select(f => f.Role).Order().ToList());
            Assert.Contains("Full backup: no earlier verified restore point", await LogAsync(full.Id), StringComparison.Ordinal);
            Assert.Contains("no guest agent answered: the point is crash-consistent", await LogAsync(full.Id), StringComparison.Ordinal);

            // 1% changed: the next point holds the changes only and builds on the full one.
            await Support.Lab.RunAsync("vm", "change", "kvm-dc1", "lvrep1", "--percent", "1");
            var first = await ReplicateAsync(pair);
            var atFirst = await ChecksumAsync("kvm-dc1", "lvrep1");
            Assert.NotEqual(atFull, atFirst);
            Assert.Equal(atFirst, await ChecksumAsync("kvm-dr1", "lvrep1-dr"));
            var firstPoint = await ArchiveAsync(pair, first.ArchiveId);
            Assert.Equal(fullPoint.Id, firstPoint.ParentId);
            Assert.True(firstPoint.SizeBytes * 10 < fullPoint.SizeBytes, $"incremental {firstPoint.SizeBytes} B vs full {fullPoint.SizeBytes} B");

            // A chain of three; then the oldest incremental point comes back as it was.
            await Support.Lab.RunAsync("vm", "change", "kvm-dc1", "lvrep1", "--percent", "1");
            var second = await ReplicateAsync(pair);
            var atSecond = await ChecksumAsync("kvm-dc1", "lvrep1");
            Assert.Equal(atSecond, await ChecksumAsync("kvm-dr1", "lvrep1-dr"));
            Assert.Equal(firstPoint.Id, (await ArchiveAsync(pair, second.ArchiveId)).ParentId);
            // The full point's checkpoint is older than the base just used: its bitmap would only cost the guest writes.
            var left = (await Support.Lab.ExecAsync("kvm-dc1", "virsh", "-c", "qemu:///system", "checkpoint-list", "--domain", "lvrep1", "--name"))
                .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, left.Length);
            Assert.Contains("Deleted checkpoint drportal-", await LogAsync(second.Id), StringComparison.Ordinal);

            var accepted = await TaskApi.RequestAsync(Admin, pair.Id, "restore", new RestoreRequestBody(firstPoint.Id));
            var restored = await TaskApi.WaitAsync(Admin, accepted.TaskId, TaskTimeout);
            Assert.True(restored.Status == "Succeeded", $"{restored.Status}: {restored.Error}\n{await LogAsync(restored.Id)}");
            Assert.Equal(atFirst, await ChecksumAsync("kvm-dr1", "lvrep1-dr"));
            Assert.NotEqual(atSecond, atFirst);
        }
        finally
        {
            await CleanupAsync(pair, ("kvm-dc1", "lvrep1"), ("kvm-dr1", "lvrep1-dr"));
        }
    }

    [Fact]
    public async Task Backup_CheckpointDeletedOnTheHost_IsFullAndTheLogSaysWhy()
    {
        var (dc, dr) = (await LibvirtHostAsync("kvm-dc1"), await LibvirtHostAsync("kvm-dr1"));
        await Support.Lab.RunAsync("vm", "create", "kvm-dc1", "lvrep2", "--size", "64M", "--fill", "0.5", "--memory", "32", "--running");
        var pair = await PairAsync(dc, "lvrep2", dr, "lvrep2-dr");
        try
        {
            var first = await BackupAsync(pair);
            var checkpoints = (await Virsh("kvm-dc1", "checkpoint-list", "--domain", "lvrep2", "--name"))
                .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var checkpoint = Assert.Single(checkpoints);
            await Virsh("kvm-dc1", "checkpoint-delete", "--domain", "lvrep2", "--checkpointname", checkpoint);

            var second = await BackupAsync(pair);

            Assert.Null((await ArchiveAsync(pair, second.ArchiveId)).ParentId);
            Assert.NotNull(first.ArchiveId);
            Assert.Contains($"Full backup: checkpoint {checkpoint} of restore point", await LogAsync(second.Id), StringComparison.Ordinal);
            Assert.Contains("is gone on kvm-dc1", await LogAsync(second.Id), StringComparison.Ordinal);
        }
        finally
        {
            await CleanupAsync(pair, ("kvm-dc1", "lvrep2"));
        }
    }

    [Theory]
    [InlineData("a;rm -rf /")]
    [InlineData("<x>")]
    [InlineData("$(x)")]
    // 65 characters: one more than the profile allows for a domain name.
    [InlineData("d1234567890123456789012345678901234567890123456789012345678901234")]
    public async Task CreatePair_HostileDomainName_IsRefusedNamingTheField(string domain)
    {
        var (dc, dr) = (await LibvirtHostAsync("kvm-dc1"), await LibvirtHostAsync("kvm-dr1"));

        var response = await Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = dc.Id,
            sourceVm = domain,
            targetHypervisorId = dr.Id,
            targetVm = "web01-dr",
            replicaStart = "Off",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sourceVm", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The lab's libvirt host as the portal knows it; registered here as a libvirt host when the fixture did not.</summary>
    private async Task<HypervisorDto> LibvirtHostAsync(string name)
    {
        if (portal.Hosts.TryGetValue(name, out var known) && known.Kind == HypervisorKind.Libvirt)
        {
            return known;
        }
        var hosts = await Admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Json.Options);
        if (hosts!.FirstOrDefault(h => h.Name == name + "-libvirt") is { } mine)
        {
            return mine;
        }
        var labHost = await Support.Lab.HostAsync(name);
        var created = await Admin.PostAsJsonAsync("/api/v1/hypervisors", new
        {
            name = name + "-libvirt",
            address = labHost.Address,
            sshPort = 22,
            kind = "Libvirt",
            site = labHost.Site.Equals("recovery", StringComparison.OrdinalIgnoreCase) ? "Recovery" : "Primary",
            sshUser = "root",
            stagingDirectory = "/var/lib/libvirt/drportal",
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        var trusted = await Admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/trust", new TrustRequest(labHost.Fingerprint));
        trusted.EnsureSuccessStatusCode();
        return (await Admin.GetFromJsonAsync<HypervisorDto>($"/api/v1/hypervisors/{host.Id}", Json.Options))!;
    }

    private async Task<VmPairDto> PairAsync(HypervisorDto source, string sourceDomain, HypervisorDto target, string targetDomain)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = source.Id,
            sourceVm = sourceDomain,
            targetHypervisorId = target.Id,
            targetVm = targetDomain,
            replicaStart = "Connected",
            overwriteExistingTarget = true,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private Task<TaskDto> ReplicateAsync(VmPairDto pair) => RunAsync(pair, "replicate");

    private Task<TaskDto> BackupAsync(VmPairDto pair) => RunAsync(pair, "backup");

    private async Task<TaskDto> RunAsync(VmPairDto pair, string kind)
    {
        var accepted = await TaskApi.RequestAsync(Admin, pair.Id, kind);
        var task = await TaskApi.WaitAsync(Admin, accepted.TaskId, TaskTimeout);
        Assert.True(task.Status == "Succeeded", $"{task.Status}: {task.Error}\n{await LogAsync(task.Id)}");
        return task;
    }

    private async Task<ArchiveDto> ArchiveAsync(VmPairDto pair, long? id)
    {
        var archives = await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options);
        return Assert.Single(archives!, a => a.Id == id);
    }

    private async Task<string> LogAsync(long taskId)
    {
        var log = await Admin.GetFromJsonAsync<TaskLogDto>($"/api/v1/tasks/{taskId}/log?take=1000", Json.Options);
        return string.Join('\n', log!.Lines.Select(l => l.Line));
    }

    /// <summary>SHA-256 of each disk as the guest sees it ("vda" → hex).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ChecksumAsync(string host, string domain) =>
        (await Support.Lab.RunAsync("vm", "checksum", host, domain))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1].Trim());

    private static Task<string> Virsh(string host, params string[] arguments) =>
        Support.Lab.ExecAsync(host, ["virsh", "-c", "qemu:///system", .. arguments]);

    private async Task CleanupAsync(VmPairDto pair, params (string Host, string Domain)[] domains)
    {
        await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
        foreach (var (host, domain) in domains)
        {
            try
            {
                await Support.Lab.RunAsync("vm", "destroy", host, domain);
            }
            catch (InvalidOperationException)
            {
                // Not made, or already gone: nothing of it is left to remove.
            }
        }
    }
}
