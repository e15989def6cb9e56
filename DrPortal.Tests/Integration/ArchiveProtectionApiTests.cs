using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

public class ArchiveProtectionApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public ArchiveProtectionApiTests(PortalFactory portal) => _portal = portal;

    private IDbContextFactory<DrPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    private async Task<Archive> ArchiveAsync(string tag, int targetVm)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var pair = await CreatePairAsync(admin, primary.Id, 100, (await CreateHostAsync(admin, $"{tag}-dr", "Recovery")).Id, targetVm);
        var archive = new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = primary.Id,
            SourceHypervisorName = primary.Name,
            SourceVm = "100",
            Label = "vzdump-qemu-100-2026_12_01-01_00_00.vma.zst",
            CreatedAt = DateTimeOffset.UtcNow,
            InRepository = true,
            Files = [new ArchiveFile { Name = "vzdump-qemu-100-2026_12_01-01_00_00.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('d', 64) }],
        };
        await using var db = await Contexts.CreateDbContextAsync();
        db.Archives.Add(archive);
        await db.SaveChangesAsync();
        return archive;
    }

    [Fact]
    public async Task Put_ProtectsAndUnprotects_AuditedAndShownInTheListAndThePreview()
    {
        var archive = await ArchiveAsync("prot", 9901);
        using var operatorClient = await _portal.CreateClientInRoleAsync(Roles.Operator);

        var on = await operatorClient.PutAsJsonAsync($"/api/v1/archives/{archive.Id}/protection", new { @protected = true });
        var listed = await operatorClient.GetFromJsonAsync<List<ArchiveDto>>($"/api/v1/archives?pairId={archive.VmPairId}", Json.Options);
        var preview = await operatorClient.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = archive.VmPairId, policy = new { keepLast = 1 }, timeZone = "UTC" });
        var verdicts = (await preview.Content.ReadFromJsonAsync<RetentionPreviewDto>(Json.Options))!;
        var off = await operatorClient.PutAsJsonAsync($"/api/v1/archives/{archive.Id}/protection", new { @protected = false });

        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.True((await on.Content.ReadFromJsonAsync<ArchiveDto>(Json.Options))!.Protected);
        Assert.True(Assert.Single(listed!).Protected);
        Assert.Contains("protected", Assert.Single(verdicts.Keep).Reasons);
        Assert.False((await off.Content.ReadFromJsonAsync<ArchiveDto>(Json.Options))!.Protected);
        await using var db = await Contexts.CreateDbContextAsync();
        var id = archive.Id.ToString(CultureInfo.InvariantCulture);
        var entries = await db.AuditEntries.Where(a => a.EntityType == "Archive" && a.EntityId == id).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["protect", "unprotect"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.StartsWith("operator-", e.Actor, StringComparison.Ordinal));
        Assert.Contains("prot-dc/100", entries[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_WithoutTheField_Is400_AndAnUnknownArchive404()
    {
        var archive = await ArchiveAsync("prot-bad", 9902);
        using var admin = await _portal.CreateAdminClientAsync();

        var missing = await admin.PutAsJsonAsync($"/api/v1/archives/{archive.Id}/protection", new { });
        var unknown = await admin.PutAsJsonAsync("/api/v1/archives/987654/protection", new { @protected = true });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("protected", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.False((await db.Archives.SingleAsync(a => a.Id == archive.Id)).IsProtected);
    }
}
