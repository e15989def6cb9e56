using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>
/// The portal's libvirt faces, at a desktop's 1440×900 and a phone's 390×844: the host dialog following the kind, the kind on
/// the pairs page, and a restore point's files and chain. Hosts sit on a closed loopback port: no lab, nothing leaves the machine.
/// Screenshots are kept under .test-results/browser (ui11-*).
/// </summary>
public class LibvirtUiBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    private const string Full = "web01-20261128T010000-full";
    private const string FirstIncrement = "web01-20261129T010000-inc";
    private const string SecondIncrement = "web01-20261130T010000-inc";
    private static readonly string DiskSha = new('a', 64);

    /// <summary>A libvirt pair with a chain full → incremental → incremental, and a Proxmox pair beside it; once per portal.</summary>
    private async Task SeedAsync()
    {
        await using var db = await Portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        if (await db.Archives.AnyAsync())
        {
            return;
        }
        using var admin = await Portal.CreateAdminClientAsync();
        var kvmDc = await HostAsync(admin, "kvm-dc1", "Libvirt", "Primary");
        var kvmDr = await HostAsync(admin, "kvm-dr1", "Libvirt", "Recovery");
        var pveDc = await HostAsync(admin, "pve-dc1", "Proxmox", "Primary");
        var pveDr = await HostAsync(admin, "pve-dr1", "Proxmox", "Recovery");
        var domainPair = await PairAsync(admin, kvmDc.Id, "web01", kvmDr.Id, "web01-replica");
        await PairAsync(admin, pveDc.Id, "100", pveDr.Id, "9100");

        Archive Point(string label, int daysAgo, Archive? parent) => new()
        {
            VmPairId = domainPair.Id,
            SourceHypervisorId = kvmDc.Id,
            SourceHypervisorName = kvmDc.Name,
            SourceVm = "web01",
            Label = label,
            ParentArchiveId = parent?.Id,
            SizeBytes = (1L << 30) + 4096,
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-daysAgo),
            InRepository = true,
            Files =
            [
                new ArchiveFile { Name = $"{label}.vda.qcow2", Role = "disk", SizeBytes = 1L << 30, Sha256 = DiskSha },
                new ArchiveFile { Name = $"{label}.xml", Role = "domain-xml", SizeBytes = 4096, Sha256 = new string('b', 64) },
            ],
        };
        // Parents first: an incremental names its parent's id.
        var full = Point(Full, 3, null);
        db.Archives.Add(full);
        await db.SaveChangesAsync();
        var first = Point(FirstIncrement, 2, full);
        db.Archives.Add(first);
        await db.SaveChangesAsync();
        db.Archives.Add(Point(SecondIncrement, 1, first));
        await db.SaveChangesAsync();
    }

    private static async Task<HypervisorDto> HostAsync(HttpClient admin, string name, string kind, string site)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/hypervisors", new { name, address = "127.0.0.1", sshPort = 9, kind, site, sshUser = "root" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<HypervisorDto>(Json.Options))!;
    }

    private static async Task<VmPairDto> PairAsync(HttpClient admin, int source, string sourceVm, int target, string targetVm)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = source,
            sourceVm,
            targetHypervisorId = target,
            targetVm,
            replicaStart = "Off",
            overwriteExistingTarget = false,
            confirmUnverifiedSource = true,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    private async Task ShotAsync(string name)
    {
        var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
        var path = Path.Combine(root, ".test-results", "browser", $"ui11-{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    private async Task OpenAsync(string path, int width, int height)
    {
        await SeedAsync();
        await Page.SetViewportSizeAsync(width, height);
        await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        await Page.GotoAsync(path);
        await WaitForInteractiveAsync();
    }

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public Task HostDialog_KindChanged_SwapsUntouchedStagingDefaultAndHelp(int width, int height) =>
        StepsAsync($"{nameof(HostDialog_KindChanged_SwapsUntouchedStagingDefaultAndHelp)}-{width}", async () =>
    {
        await OpenAsync("/hosts", width, height);
        await Page.Locator("[data-test=host-add]").ClickAsync();
        var staging = Page.Locator("[data-test=host-staging-dir]");
        await Expect(staging).ToHaveValueAsync("/var/lib/vz/dump");
        await Expect(Field("host-storage")).ToContainTextAsync("Proxmox storage id");
        await ShotAsync($"host-dialog-proxmox-{width}x{height}");

        await ChooseAsync("host-kind", "libvirt/KVM");

        await Expect(staging).ToHaveValueAsync("/var/lib/libvirt/drportal");
        await Expect(Field("host-staging-dir")).ToContainTextAsync("libvirt/KVM backups");
        await Expect(Field("host-storage")).ToContainTextAsync("An absolute directory on the host");
        await Expect(Field("host-user")).ToContainTextAsync("libvirt/KVM host");
        await ShotAsync($"host-dialog-libvirt-{width}x{height}");

        // A directory the admin typed is theirs: another kind does not overwrite it.
        await TypeAsync("host-staging-dir", "/srv/dr-staging");
        await ChooseAsync("host-kind", "Proxmox VE");
        await Expect(staging).ToHaveValueAsync("/srv/dr-staging");
        await Expect(Field("host-storage")).ToContainTextAsync("Proxmox storage id");
    });

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public Task PairsPage_LibvirtPair_RowShowsKindAndDomain(int width, int height) =>
        StepsAsync($"{nameof(PairsPage_LibvirtPair_RowShowsKindAndDomain)}-{width}", async () =>
    {
        await OpenAsync("/pairs", width, height);

        var domainRow = Page.Locator("[data-test=pairs-table] tbody tr", new() { HasText = "kvm-dc1" });
        await Expect(domainRow.Locator("[data-test=pair-row-kind]")).ToHaveTextAsync("libvirt/KVM");
        await Expect(domainRow.Locator("[data-test=pair-row-source]")).ToContainTextAsync("domain web01");
        var vmRow = Page.Locator("[data-test=pairs-table] tbody tr", new() { HasText = "pve-dc1" });
        await Expect(vmRow.Locator("[data-test=pair-row-kind]")).ToHaveTextAsync("Proxmox VE");
        await Expect(vmRow.Locator("[data-test=pair-row-source]")).ToContainTextAsync("VM 100");
        await ShotAsync($"pairs-{width}x{height}");
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The pairs page scrolls sideways by {overflow} px at {width} px.");
    });

    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public Task ArchivesPage_OpenIncrementalPoint_ListsFilesAndChainOldestFirst(int width, int height) =>
        StepsAsync($"{nameof(ArchivesPage_OpenIncrementalPoint_ListsFilesAndChainOldestFirst)}-{width}", async () =>
    {
        await OpenAsync("/archives", width, height);
        var newest = Page.Locator("[data-test=archives-table] tbody tr", new() { HasText = SecondIncrement });
        await Expect(newest.Locator("[data-test=archive-row-kind]")).ToHaveTextAsync("incremental");
        var full = Page.Locator("[data-test=archives-table] tbody tr", new() { HasText = Full }).Filter(new() { HasNotText = "inc" });
        await Expect(full.Locator("[data-test=archive-row-kind]")).ToHaveTextAsync("full");

        await newest.Locator("[data-test=archive-open]").ClickAsync();

        var dialog = Page.Locator("[data-test=restore-point-dialog]");
        var files = dialog.Locator("[data-test=restore-point-file]");
        await Expect(files).ToHaveCountAsync(2);
        await Expect(files.Nth(0)).ToContainTextAsync($"{SecondIncrement}.vda.qcow2");
        await Expect(files.Nth(0)).ToContainTextAsync("disk");
        await Expect(files.Nth(0)).ToContainTextAsync("1 GiB");
        await Expect(files.Nth(0).Locator("[data-test=restore-point-file-sha]")).ToHaveAttributeAsync("title", DiskSha);
        await Expect(files.Nth(1)).ToContainTextAsync("domain-xml");
        await Expect(dialog.Locator("[data-test=restore-point-copy-sha]")).ToHaveCountAsync(2);

        var links = dialog.Locator("[data-test=restore-point-link]");
        await Expect(links).ToHaveCountAsync(3);
        await Expect(links.Nth(0)).ToContainTextAsync(Full);
        await Expect(links.Nth(0)).ToContainTextAsync("full");
        await Expect(links.Nth(1)).ToContainTextAsync(FirstIncrement);
        await Expect(links.Nth(2)).ToContainTextAsync(SecondIncrement);
        await Expect(links.Nth(2)).ToContainTextAsync("this point");
        await ShotAsync($"restore-point-{width}x{height}");
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The restore point detail scrolls the page sideways by {overflow} px at {width} px.");
    });

    [Fact]
    public Task RetentionPreview_KeepLastOfChain_LinksBasesToTheirIncremental() =>
        StepsAsync(nameof(RetentionPreview_KeepLastOfChain_LinksBasesToTheirIncremental), async () =>
    {
        await OpenAsync("/schedules", 1440, 900);
        await Page.Locator("[data-test=schedule-add]").ClickAsync();
        await ChooseAsync("schedule-pair", "web01-replica");
        await TypeAsync("schedule-keep-last", "1");

        await Page.Locator("[data-test=retention-preview]").ClickAsync();

        var rows = Page.Locator("[data-test=retention-decisions] tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        // Newest first: the kept incremental, then the two points it needs, each naming it and numbered as its chain.
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-test", "retention-kept");
        await Expect(rows.Nth(0).Locator("[data-test=retention-chain]")).ToContainTextAsync($"incremental on {FirstIncrement}");
        await Expect(rows.Nth(1).Locator("[data-test=retention-base-of]")).ToHaveTextAsync($"base of {SecondIncrement}");
        await Expect(rows.Nth(2).Locator("[data-test=retention-base-of]")).ToHaveTextAsync($"base of {SecondIncrement}");
        await Expect(rows.Nth(2).Locator("[data-test=retention-chain]")).ToContainTextAsync("full");
        await Expect(Page.Locator("[data-test=retention-chain-number]", new() { HasText = "chain 1" })).ToHaveCountAsync(3);
        await ShotAsync("retention-preview-1440x900");
    });
}
