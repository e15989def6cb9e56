using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Archives;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>The RPO of a pair: stored, validated, and judged against real archive and schedule rows in MariaDB.</summary>
[Collection(ScheduleCollection.Name)]
public class PairProtectionApiTests(ScheduleTriggerTests.Portal portal) : IClassFixture<ScheduleTriggerTests.Portal>
{
    private async Task<(HttpClient Admin, VmPairDto Pair)> PairWithRpoAsync(string tag, int targetVm, int? rpoMinutes)
    {
        var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm);
        var response = await admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new
        {
            sourceHypervisorId = primary.Id,
            sourceVm = "100",
            targetHypervisorId = recovery.Id,
            targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
            rpoMinutes,
            // The hosts' keys are not trusted, so the source VM cannot be checked.
            confirmUnverifiedSource = true,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (admin, (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!);
    }

    private async Task AddArchiveAsync(VmPairDto pair, DateTimeOffset createdAt, bool verified)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        db.Archives.Add(new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = pair.SourceHypervisorId,
            SourceHypervisorName = pair.SourceHypervisorName!,
            SourceVm = "100",
            Label = $"vzdump-qemu-100-{createdAt:yyyy_MM_dd-HH_mm_ss}.vma.zst",
            CreatedAt = createdAt,
            InRepository = verified,
            Files = [new ArchiveFile { Name = $"vzdump-qemu-100-{createdAt:yyyy_MM_dd-HH_mm_ss}.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = verified ? new string('a', 64) : null }],
        });
        await db.SaveChangesAsync();
    }

    private static async Task<PairProtectionDto> ProtectionAsync(HttpClient client, int pairId) =>
        (await client.GetFromJsonAsync<List<PairProtectionDto>>("/api/v1/pairs/protection", Json.Options))!.Single(p => p.PairId == pairId);

    [Fact]
    public async Task Protection_JudgesTheNewestVerifiedArchive_AgainstTheRpoAndTheNextRun()
    {
        var (admin, pair) = await PairWithRpoAsync("rpo-judge", 9601, 24 * 60);
        using var owned = admin;
        var now = portal.Clock.UtcNow;
        Assert.Equal(24 * 60, pair.RpoMinutes);
        Assert.Equal(RpoStatus.Breached, (await ProtectionAsync(admin, pair.Id)).Status);

        // An unverified newer archive does not count; the verified one is 2 h old, and no schedule renews it.
        await AddArchiveAsync(pair, now.AddHours(-2), verified: true);
        await AddArchiveAsync(pair, now.AddMinutes(-5), verified: false);
        var atRisk = await ProtectionAsync(admin, pair.Id);
        Assert.Equal((RpoStatus.AtRisk, 0), (atRisk.Status, atRisk.EnabledSchedules));
        Assert.Equal(120, atRisk.AgeMinutes!.Value, 0);

        var created = await portal.Services.GetRequiredService<IScheduleStore>().CreateAsync(
            new ScheduleInput { VmPairId = pair.Id, Timing = ScheduleTiming.Cron, Cron = "0 * * * *", TimeZone = "UTC" }, "tester", CancellationToken.None);
        Assert.True(created.IsOk, created.Message);
        var met = await ProtectionAsync(admin, pair.Id);
        Assert.Equal((RpoStatus.Met, 1), (met.Status, met.EnabledSchedules));
        Assert.NotNull(met.NextRun);
        Assert.True(met.NextRun > now && met.NextRun <= now.AddHours(1));
    }

    [Fact]
    public async Task Protection_PairWithoutRpo_IsNoTarget()
    {
        var (admin, pair) = await PairWithRpoAsync("rpo-none", 9602, null);
        using var owned = admin;

        Assert.Equal(RpoStatus.NoTarget, (await ProtectionAsync(admin, pair.Id)).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(525601)]
    public async Task UpdatePair_RpoOutOfRange_IsRefusedNamingTheField_AndChangesNothing(int rpo)
    {
        var (admin, pair) = await PairWithRpoAsync($"rpo-bad{rpo + 10}", 9610, 60);
        using var owned = admin;

        var response = await admin.PutAsJsonAsync($"/api/v1/pairs/{pair.Id}", new
        {
            sourceHypervisorId = pair.SourceHypervisorId,
            sourceVm = "100",
            targetHypervisorId = pair.TargetHypervisorId,
            targetVm = Convert.ToString(pair.TargetVm, CultureInfo.InvariantCulture),
            rpoMinutes = rpo,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("rpoMinutes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(60, (await admin.GetFromJsonAsync<VmPairDto>($"/api/v1/pairs/{pair.Id}", Json.Options))!.RpoMinutes);
    }
}
