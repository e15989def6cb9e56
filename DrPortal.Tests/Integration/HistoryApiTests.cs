using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.History;
using DrPortal.Core.Tasks;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>History figures computed from real task, stage and archive rows in MariaDB.</summary>
public class HistoryApiTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private readonly HistorySeed _seed = new(portal);

    private async Task<(HttpClient Admin, VmPairDto Pair)> PairAsync(string tag, int targetVm)
    {
        var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        return (admin, await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm));
    }

    /// <summary>A replication (backup 120 s, pull 100 s, push 50 s, restore 60 s of 300 MiB) and a backup whose pull was skipped.</summary>
    private async Task<(DrTask Replication, DrTask Backup)> SeedTwoRunsAsync(VmPairDto pair, DateTimeOffset now)
    {
        var big = await _seed.ArchiveAsync(pair, now.AddDays(-2), 300 * HistorySeed.MiB);
        var replication = await _seed.TaskAsync(pair, DrTaskKind.Replicate, DrTaskStatus.Succeeded, now.AddDays(-2), big.Id,
            (StageName.Preflight, 3), (StageName.Backup, 120), (StageName.Pull, 100), (StageName.Push, 50), (StageName.Restore, 60), (StageName.Start, 5));
        var small = await _seed.ArchiveAsync(pair, now.AddDays(-1), 100 * HistorySeed.MiB);
        var backup = await _seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.SucceededWithWarnings, now.AddDays(-1), small.Id,
            (StageName.Preflight, 2), (StageName.Backup, 60), (StageName.Pull, null), (StageName.Cleanup, 1));
        return (replication, backup);
    }

    [Fact]
    public async Task PairHistory_SeededRuns_ComputesDurationsSizesAndRates_OldestFirst()
    {
        var (admin, pair) = await PairAsync("hist-figures", 9701);
        using var owned = admin;
        var now = DateTimeOffset.UtcNow;
        var (replication, backup) = await SeedTwoRunsAsync(pair, now);
        // Neither a failure nor a run older than the window is plotted.
        await _seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Failed, now.AddHours(-3), null, (StageName.Backup, 10));
        var old = await _seed.TaskAsync(pair, DrTaskKind.Backup, DrTaskStatus.Succeeded, now.AddDays(-100), null, (StageName.Backup, 30));

        var history = (await admin.GetFromJsonAsync<PairHistory>($"/api/v1/pairs/{pair.Id}/history", Json.Options))!;

        Assert.Equal([replication.Id, backup.Id], history.Tasks.Select(t => t.TaskId));
        var first = history.Tasks[0];
        Assert.Equal(120, first.BackupSeconds!.Value, 3);
        Assert.Equal(300 * HistorySeed.MiB, first.ArchiveBytes);
        // 300 MiB moved twice (pull and push) in 150 s.
        Assert.Equal(4.0 * HistorySeed.MiB, first.TransferBytesPerSecond!.Value, 1);
        Assert.Equal(60, first.RestoreSeconds!.Value, 3);
        var second = history.Tasks[1];
        Assert.Equal((60.0, 100 * HistorySeed.MiB), (Math.Round(second.BackupSeconds!.Value, 3), second.ArchiveBytes!.Value));
        Assert.Null(second.TransferBytesPerSecond);
        Assert.Null(second.RestoreSeconds);

        var longer = (await admin.GetFromJsonAsync<PairHistory>($"/api/v1/pairs/{pair.Id}/history?days=120&take=1", Json.Options))!;
        Assert.Equal([backup.Id], longer.Tasks.Select(t => t.TaskId));
        var all = (await admin.GetFromJsonAsync<PairHistory>($"/api/v1/pairs/{pair.Id}/history?days=120", Json.Options))!;
        Assert.Equal(old.Id, all.Tasks[0].TaskId);
    }

    [Fact]
    public async Task StatsHistory_SeededRuns_AveragesPerPair_WithoutDiskSizeWhenTheHostCannotBeAsked()
    {
        var (admin, pair) = await PairAsync("hist-fleet", 9702);
        using var owned = admin;
        await SeedTwoRunsAsync(pair, DateTimeOffset.UtcNow);

        var figures = (await admin.GetFromJsonAsync<List<PairFigures>>("/api/v1/stats/history", Json.Options))!.Single(f => f.PairId == pair.Id);

        Assert.Equal(2, figures.Tasks);
        Assert.Equal(90, figures.BackupSeconds!.Value, 3);
        Assert.Equal(200.0 * HistorySeed.MiB, figures.ArchiveBytes!.Value, 0);
        Assert.Equal(4.0 * HistorySeed.MiB, figures.TransferBytesPerSecond!.Value, 1);
        Assert.Equal(60, figures.RestoreSeconds!.Value, 3);
        // The hosts' keys are not trusted: the source host is not asked, and the pair has no size rather than a guessed one.
        Assert.Null(figures.DiskBytes);
    }

    [Theory]
    [InlineData("days=0", "days")]
    [InlineData("days=400", "days")]
    [InlineData("take=0", "take")]
    [InlineData("take=501", "take")]
    public async Task PairHistory_WindowOutOfRange_IsRefusedNamingTheField(string query, string field)
    {
        var (admin, pair) = await PairAsync($"hist-bad-{field}-{query.Length}{query[^1]}", 9703);
        using var owned = admin;

        var response = await admin.GetAsync($"/api/v1/pairs/{pair.Id}/history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairHistory_UnknownPair_IsNotFound()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync("/api/v1/pairs/987654/history");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
