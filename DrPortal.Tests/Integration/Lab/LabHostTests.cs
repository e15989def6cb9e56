using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>The real SSH path against the lab: pinned keys, key login, discovery, the one-time password bootstrap.</summary>
[Collection(LabCollection.Name)]
public partial class LabHostTests(LabPortalFixture portal)
{
    [Fact]
    public async Task RegisteredHosts_ArePinnedToTheLabsKeys_AndAnswerAsTheirKind()
    {
        foreach (var (name, host) in portal.Hosts)
        {
            var labHost = await Support.Lab.HostAsync(name);
            Assert.Equal(labHost.Fingerprint, host.HostKeyFingerprint);

            var test = await portal.Admin.PostAsync($"/api/v1/hypervisors/{host.Id}/test", null);
            var body = await test.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("ok").GetBoolean(), body.ToString());
            // The emulator's pveversion; a real libvirtd's and QEMU's own versions.
            Assert.Matches(labHost.IsLibvirt ? @"^libvirt \d+\.\d+\.\d+, QEMU \d+\.\d+" : "^pve-manager/", body.GetProperty("hypervisorVersion").GetString());
        }
    }

    [Fact]
    public async Task DiscoverVms_ListsAVmCreatedOnTheHost()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc2", "4242", "--name", "discover-me", "--size", "8M");
        try
        {
            var vms = await portal.Admin.GetFromJsonAsync<List<VmInfo>>($"/api/v1/hypervisors/{portal.Hosts["pve-dc2"].Id}/vms", Json.Options);

            var vm = Assert.Single(vms!, v => v.Ref.Value == "4242");
            Assert.Equal("discover-me", vm.Name);
            Assert.Equal(VmPowerState.Stopped, vm.Status);
        }
        finally
        {
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc2", "4242");
        }
    }

    [Fact]
    public async Task AChangedHostKey_StopsAllWorkWithTheHost()
    {
        // A host entry for pve-dc2's address whose pinned key is pve-dc1's: as if the machine had been replaced.
        var impostor = await Support.Lab.HostAsync("pve-dc2");
        var created = await portal.Admin.PostAsJsonAsync("/api/v1/hypervisors",
            new { name = "impostor", address = impostor.Address, sshPort = 22, site = "Primary", sshUser = "root" });
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        var otherKey = (await Support.Lab.HostAsync("pve-dc1")).HostKey.Split(' ');
        var store = portal.Services.GetRequiredService<IHypervisorStore>();
        await store.PinHostKeyAsync(host.Id, new HostKey(otherKey[0], Convert.FromBase64String(otherKey[1])), "test", CancellationToken.None);
        try
        {
            var test = await portal.Admin.PostAsync($"/api/v1/hypervisors/{host.Id}/test", null);
            var body = await test.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.GetProperty("ok").GetBoolean());
            Assert.Contains("changed", body.GetProperty("error").GetString(), StringComparison.Ordinal);

            var vms = await portal.Admin.GetAsync($"/api/v1/hypervisors/{host.Id}/vms");
            Assert.Equal(HttpStatusCode.Conflict, vms.StatusCode);

            var key = await portal.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/hypervisors/{host.Id}/hostkey");
            Assert.False(key.GetProperty("trusted").GetBoolean());
            Assert.Equal(impostor.Fingerprint, key.GetProperty("fingerprint").GetString());
        }
        finally
        {
            await portal.Admin.DeleteAsync($"/api/v1/hypervisors/{host.Id}");
        }
    }

    [Fact]
    public async Task TrustWithTheWrongFingerprint_PinsNothing()
    {
        var labHost = await Support.Lab.HostAsync("pve-dr1");
        var created = await portal.Admin.PostAsJsonAsync("/api/v1/hypervisors",
            new { name = "wrong-fp", address = labHost.Address, sshPort = 22, site = "Recovery", sshUser = "root" });
        var host = (await created.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
        try
        {
            var trust = await portal.Admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/trust",
                new TrustRequest((await Support.Lab.HostAsync("pve-dc1")).Fingerprint));

            Assert.Equal(HttpStatusCode.BadRequest, trust.StatusCode);
            var after = await portal.Admin.GetFromJsonAsync<HypervisorDto>($"/api/v1/hypervisors/{host.Id}", Json.Options);
            Assert.Null(after!.HostKeyFingerprint);
        }
        finally
        {
            await portal.Admin.DeleteAsync($"/api/v1/hypervisors/{host.Id}");
        }
    }

    [Fact]
    public async Task InstallKey_WithAOneTimePassword_LetsAFreshPortalLogIn_AndTheSecretIsNowhere()
    {
        // A second portal with its own, not yet authorised key, against a host that accepts a root password.
        const string password = "lab-only-Pa55word-7f3e";
        await using var fresh = new PortalFactory();
        await fresh.InitializeAsync();
        await Support.Lab.RunAsync("password", "pve-dc2", password);
        try
        {
            using var admin = await fresh.CreateAdminClientAsync();
            var host = await LabPortalFixture.RegisterAsync(admin, await Support.Lab.HostAsync("pve-dc2"), "bootstrap");

            var before = await (await admin.PostAsync($"/api/v1/hypervisors/{host.Id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(before.GetProperty("ok").GetBoolean(), "the fresh portal's key should not be authorised yet");

            var wrong = await admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/install-key", new InstallKeyRequest("not-the-password"));
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);

            var install = await admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/install-key", new InstallKeyRequest(password));
            Assert.Equal(HttpStatusCode.OK, install.StatusCode);

            var after = await (await admin.PostAsync($"/api/v1/hypervisors/{host.Id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(after.GetProperty("ok").GetBoolean(), after.ToString());

            // Installing twice leaves one line, not two.
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/hypervisors/{host.Id}/install-key", new InstallKeyRequest(password))).StatusCode);
            var publicKey = (await admin.GetFromJsonAsync<PublicKeyDto>("/api/v1/settings/ssh-public-key", Json.Options))!.PublicKey;
            var authorized = await Support.Lab.ExecAsync("pve-dc2", "cat", "/root/.ssh/authorized_keys");
            Assert.Single(authorized.Split('\n'), l => l.Contains(publicKey.Split(' ')[1], StringComparison.Ordinal));

            var audit = await admin.GetStringAsync("/api/v1/audit?take=500");
            Assert.Contains("install-key", audit, StringComparison.Ordinal);
            Assert.DoesNotContain(password, audit, StringComparison.Ordinal);
            foreach (var file in Directory.EnumerateFiles(fresh.DataDirectory, "*", SearchOption.AllDirectories))
            {
                Assert.DoesNotContain(password, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            }
        }
        finally
        {
            await Support.Lab.RunAsync("password", "pve-dc2", "--off");
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    [Fact]
    public async Task ABackupRunThroughSsh_WritesVzdumpsFileNames()
    {
        await Support.Lab.RunAsync("vm", "create", "pve-dc1", "4343", "--size", "16M", "--fill", "0.5");
        try
        {
            var driver = portal.Services.GetServices<IHypervisorDriver>().Single(d => d.Profile.Kind == HypervisorKind.Proxmox);
            var host = (await portal.Services.GetRequiredService<IHypervisorStore>().FindAsync(portal.Hosts["pve-dc1"].Id, CancellationToken.None))!;
            var reporter = new RecordingReporter();

            var options = ProxmoxBackupOptions.ToMap(BackupCompression.Zstd, BackupMode.Snapshot);
            var outcome = await driver.BackupAsync(host, new BackupRequest(VmRef.Of("4343"), options), reporter, CancellationToken.None);

            var archivePath = outcome.Files.Single(f => f.Role == "archive").Path;
            var logPath = outcome.Files.Single(f => f.Role == "log").Path;
            Assert.Matches(ArchiveName(), archivePath);
            Assert.Equal(Path.GetFileName(archivePath), outcome.Label);
            Assert.Equal(archivePath[..archivePath.IndexOf(".vma", StringComparison.Ordinal)] + ".log", logPath);
            var listing = await Support.Lab.ExecAsync("pve-dc1", "ls", "/var/lib/vz/dump");
            Assert.Contains(Path.GetFileName(archivePath), listing, StringComparison.Ordinal);
            Assert.Contains(Path.GetFileName(logPath), listing, StringComparison.Ordinal);
            Assert.DoesNotContain(".dat", listing, StringComparison.Ordinal);
            Assert.Contains(reporter.Lines, l => l.Contains("Backup job finished successfully", StringComparison.Ordinal));
            Assert.Contains(reporter.Progresses, p => p.Percent == 100);
            await Support.Lab.ExecAsync("pve-dc1", "rm", "-f", archivePath, logPath);
        }
        finally
        {
            await Support.Lab.RunAsync("vm", "destroy", "pve-dc1", "4343");
        }
    }

    [GeneratedRegex(@"^/var/lib/vz/dump/vzdump-qemu-4343-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.vma\.zst$")]
    private static partial Regex ArchiveName();
}

internal sealed class RecordingReporter : IStageReporter
{
    public List<string> Lines { get; } = [];
    public List<StageProgress> Progresses { get; } = [];

    public void Log(string line)
    {
        lock (Lines)
        {
            Lines.Add(line);
        }
    }

    public void Progress(StageProgress progress)
    {
        lock (Progresses)
        {
            Progresses.Add(progress);
        }
    }
}
