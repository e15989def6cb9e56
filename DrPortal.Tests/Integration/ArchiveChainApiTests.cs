using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>GET /api/v1/archives/{id}: one restore point with its files and the chain a restore of it rebuilds.</summary>
public class ArchiveChainApiTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private IDbContextFactory<DrPortalDbContext> Contexts => portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    [Fact]
    public async Task Get_OfTheThirdPointOfAChain_ListsTheFullThenEachIncremental_WithTheirFiles()
    {
        var (full, first, second) = await ChainOfThreeAsync("chain3", 9911);
        using var admin = await portal.CreateAdminClientAsync();

        var detail = await admin.GetFromJsonAsync<ArchiveDetailDto>($"/api/v1/archives/{second.Id}", Json.Options);

        Assert.NotNull(detail);
        Assert.Null(detail.Broken);
        Assert.Equal(second.Id, detail.Point.Id);
        Assert.Equal([full.Id, first.Id, second.Id], detail.Chain.Select(p => p.Id).ToList());
        Assert.False(detail.Chain[0].Incremental);
        Assert.All(detail.Chain.Skip(1), p => Assert.True(p.Incremental));
        Assert.Equal(["disk", "domain-xml"], detail.Point.Files.Select(f => f.Role).Order().ToList());
    }

    [Fact]
    public async Task Get_OfAFullPoint_IsAChainOfOne()
    {
        var (full, _, _) = await ChainOfThreeAsync("chain1", 9912);
        using var admin = await portal.CreateAdminClientAsync();

        var detail = await admin.GetFromJsonAsync<ArchiveDetailDto>($"/api/v1/archives/{full.Id}", Json.Options);

        Assert.Equal([full.Id], detail!.Chain.Select(p => p.Id).ToList());
    }

    [Fact]
    public async Task Get_OfAPointThatDoesNotExist_Is404()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync(new Uri("/api/v1/archives/987654321", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(Archive Full, Archive First, Archive Second)> ChainOfThreeAsync(string tag, int targetVm)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var pair = await CreatePairAsync(admin, primary.Id, 100, (await CreateHostAsync(admin, $"{tag}-dr", "Recovery")).Id, targetVm);
        await using var db = await Contexts.CreateDbContextAsync();
        Archive Point(string label, Archive? parent, int minutes)
        {
            var point = new Archive
            {
                VmPairId = pair.Id,
                SourceHypervisorId = primary.Id,
                SourceHypervisorName = primary.Name,
                SourceVm = "100",
                Label = $"{tag}-{label}",
                ParentArchiveId = parent?.Id,
                CreatedAt = DateTimeOffset.UtcNow.AddMinutes(minutes),
                InRepository = true,
                Files =
                [
                    new ArchiveFile { Name = $"{tag}-{label}.qcow2", Role = "disk", SizeBytes = 10, Sha256 = new string('a', 64) },
                    new ArchiveFile { Name = $"{tag}-{label}.xml", Role = "domain-xml", SizeBytes = 1, Sha256 = new string('b', 64) },
                ],
            };
            db.Archives.Add(point);
            return point;
        }
        var full = Point("full", null, 0);
        await db.SaveChangesAsync();
        var first = Point("inc1", full, 1);
        await db.SaveChangesAsync();
        var second = Point("inc2", first, 2);
        await db.SaveChangesAsync();
        return (full, first, second);
    }
}
