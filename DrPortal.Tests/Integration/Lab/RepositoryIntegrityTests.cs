using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Coverage;
using DrPortal.Core.Notifications;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>Verify, the orphan report and coverage against the lab's hosts, the real repository and MariaDB.</summary>
[Collection(LabCollection.Name)]
public class RepositoryIntegrityTests(LabPortalFixture portal)
{
    private HttpClient Admin => portal.Admin;

    private string DumpAreaOf(string host) => portal.Hosts[host].StagingDirectory;

    /// <summary>Flips one byte in the middle of a local file.</summary>
    private static void FlipByte(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = stream.Length / 2;
        var b = stream.ReadByte();
        stream.Position = stream.Length / 2;
        stream.WriteByte((byte)(b ^ 0xFF));
    }

    [Fact]
    public async Task Verify_CorruptRepositoryAndHostCopies_MarksBothBad_PublishesEvents_AndARestoreRefusesThePoint()
    {
        // Arrange: a replicated point, then one byte flipped in its repository copy and one in its copy on pve-dr1.
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "5170", "--size", "16M", "--fill", "0.3");
        var pair = await TaskApi.CreatePairAsync(Admin, portal.Hosts["pve-dc1"].Id, 5170, portal.Hosts["pve-dr1"].Id, 9170, start: false);
        var events = new RecordingOperationalEvents();
        // A second host of the same portal (same database, same key) whose events this test sees.
        await using var observed = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IOperationalEvents>(events)));
        using var client = observed.CreateClient();
        client.DefaultRequestHeaders.Authorization = Admin.DefaultRequestHeaders.Authorization;
        ArchiveDto? point = null;
        try
        {
            var replicated = await TaskApi.WaitAsync(Admin, (await TaskApi.RequestAsync(Admin, pair.Id, "replicate")).TaskId);
            Assert.Equal("Succeeded", replicated.Status);
            point = Assert.Single((await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            var archiveFile = point.Files.Single(f => f.Role == "archive");
            var logFile = point.Files.Single(f => f.Role == "log");
            var repositoryCopy = Path.Combine(portal.DataDirectory, "repository", "pve-dc1", "5170", archiveFile.Name);
            FlipByte(repositoryCopy);
            var hostCopy = DumpAreaOf("pve-dr1") + "/" + logFile.Name;
            await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "printf 'corrupted' | dd of=\"$1\" bs=1 seek=0 conv=notrunc 2>/dev/null", "sh", hostCopy);

            // Act
            var verify = await TaskApi.WaitAsync(client, (await TaskApi.RequestAsync(client, pair.Id, "verify")).TaskId);
            var restore = await Admin.PostAsJsonAsync($"/api/v1/pairs/{pair.Id}/restore", new RestoreRequestBody(point.Id));

            // Assert
            Assert.Equal("SucceededWithWarnings", verify.Status);
            Assert.Equal(["Verify"], verify.Stages.Select(s => s.Name));
            var after = Assert.Single((await Admin.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={pair.Id}", Json.Options))!);
            Assert.Equal("Bad", after.Copies!.Repository);
            Assert.Equal("Bad", after.Copies.Recovery);
            Assert.NotNull(after.Copies.RepositoryVerifiedAt);
            Assert.False(after.Verified);
            var found = events.Events.Where(e => e.Kind == OperationalEventKind.VerifyFoundBadCopy).ToList();
            Assert.Equal(2, found.Count);
            Assert.All(found, e => Assert.Equal(pair.Id, e.PairId));
            Assert.Contains(found, e => e.HostId == portal.Hosts["pve-dr1"].Id && e.Summary.Contains(logFile.Name, StringComparison.Ordinal));
            Assert.Contains(found, e => e.HostId is null && e.Summary.Contains(archiveFile.Name, StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.BadRequest, restore.StatusCode);
            Assert.Contains("verify found", await restore.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            // Verify only reads: the bad copies are still there for the admin to look at.
            Assert.True(File.Exists(repositoryCopy));
            Assert.Contains("corrupted", await Support.Lab.ExecAsync("pve-dr1", "head", "-c", "9", hostCopy), StringComparison.Ordinal);
        }
        finally
        {
            if (point is not null)
            {
                await Admin.DeleteAsync($"/api/v1/archives/{point.Id}");
                var hostFiles = point.Files.Select(f => DumpAreaOf("pve-dr1") + "/" + f.Name).ToArray();
                await Support.Lab.ExecAsync("pve-dr1", ["rm", "-f", "--", .. hostFiles]);
            }
            await Admin.DeleteAsync($"/api/v1/pairs/{pair.Id}");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc1", "5170");
            await Support.Lab.RunAsync("vm", "destroy", "pve-dr1", "9170");
        }
    }

    [Fact]
    public async Task Orphans_StrayFilesInTheRepositoryAndADumpArea_AreListedAndDeleted_AndTraversalIsRefused()
    {
        // Arrange: files no restore point names, one in the repository and one in pve-dr1's dump area.
        var stray = Path.Combine(portal.DataDirectory, "repository", "pve-dc1", "stray", "left-behind.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(stray)!);
        await File.WriteAllBytesAsync(stray, new byte[4096]);
        var outside = Path.Combine(portal.DataDirectory, "outside-the-repository.txt");
        await File.WriteAllTextAsync(outside, "keep me");
        var hostStray = DumpAreaOf("pve-dr1") + "/drportal-orphan-test.bin";
        await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "head -c 2048 /dev/zero > \"$1\"", "sh", hostStray);
        var dr1 = portal.Hosts["pve-dr1"].Id;
        try
        {
            // Act
            var report = (await Admin.GetFromJsonAsync<OrphanReport>("/api/v1/archives/orphans", Json.Options))!;
            var traversal = await Admin.PostAsJsonAsync("/api/v1/archives/orphans/delete", new OrphanDeleteRequest(null, "../outside-the-repository.txt"));
            var deleted = await Admin.PostAsJsonAsync("/api/v1/archives/orphans/delete", new OrphanDeleteRequest(null, Path.Combine("pve-dc1", "stray", "left-behind.bin")));
            var deletedOnHost = await Admin.PostAsJsonAsync("/api/v1/archives/orphans/delete", new OrphanDeleteRequest(dr1, "drportal-orphan-test.bin"));

            // Assert
            Assert.Contains(report.Files, f => f is { HostId: null, Path: "pve-dc1/stray/left-behind.bin", SizeBytes: 4096 });
            Assert.Contains(report.Files, f => f.HostId == dr1 && f is { Path: "drportal-orphan-test.bin", SizeBytes: 2048 });
            Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);
            Assert.True(File.Exists(outside));
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.False(File.Exists(stray));
            Assert.Equal(HttpStatusCode.OK, deletedOnHost.StatusCode);
            Assert.Equal("gone", (await Support.Lab.ExecAsync("pve-dr1", "sh", "-c", "[ -e \"$1\" ] && echo there || echo gone", "sh", hostStray)).Trim());
            var audit = await Admin.GetStringAsync("/api/v1/audit?search=orphan");
            Assert.Contains("left-behind.bin", audit, StringComparison.Ordinal);
            Assert.Contains("drportal-orphan-test.bin", audit, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(stray);
            File.Delete(outside);
            await Support.Lab.ExecAsync("pve-dr1", "rm", "-f", "--", hostStray);
        }
    }

    [Fact]
    public async Task Coverage_VmOnAPrimaryHostInNoPair_IsListedAsUnprotected()
    {
        // Arrange
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "5171", "--size", "8M", "--fill", "0.1", "--name", "unpaired");
        var host = portal.Hosts["pve-dc2"].Id;
        try
        {
            // Act: ask for a fresh listing, then look until the background listing has run.
            var report = (await Admin.GetFromJsonAsync<CoverageReport>("/api/v1/coverage?refresh=true", Json.Options))!;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!report.Unprotected.Any(v => v.HostId == host && v.Vm == "5171") && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
                report = (await Admin.GetFromJsonAsync<CoverageReport>("/api/v1/coverage", Json.Options))!;
            }

            // Assert
            var vm = Assert.Single(report.Unprotected, v => v.HostId == host && v.Vm == "5171");
            Assert.Equal("unpaired", vm.Name);
            Assert.Equal("pve-dc2", vm.HostName);
            Assert.DoesNotContain(report.Unprotected, v => portal.Hosts.Values.Any(h => h.Id == v.HostId && h.Site == Core.Hosts.Site.Recovery));
            Assert.NotNull(report.VmsListedAt);
        }
        finally
        {
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "5171");
        }
    }
}
