using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

[Collection(ScheduleCollection.Name)]
public class ScheduleApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public ScheduleApiTests(PortalFactory portal) => _portal = portal;

    internal static object DailyBody(int pairId, string dailyAt = "02:30", string? timeZone = "Europe/Berlin", bool enabled = true, string kind = "Backup") =>
        new { vmPairId = pairId, kind, timing = "Daily", dailyAt, timeZone, enabled, note = "nightly" };

    internal static object CronBody(int pairId, string cron, string? timeZone = "UTC") =>
        new { vmPairId = pairId, kind = "Replicate", timing = "Cron", cron, timeZone, enabled = true };

    private async Task<(HttpClient Admin, VmPairDto Pair)> ArrangeAsync(string tag, int targetVm)
    {
        var admin = await _portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, $"{tag}-dc");
        var recovery = await CreateHostAsync(admin, $"{tag}-dr", "Recovery");
        return (admin, await CreatePairAsync(admin, primary.Id, 100, recovery.Id, targetVm));
    }

    private static async Task<ScheduleDto> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/schedules", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ScheduleDto>(Json.Options))!;
    }

    private static async Task<JsonElement> ErrorsOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task Crud_RoundTrip_PersistsAndAuditsEveryChange()
    {
        var (admin, pair) = await ArrangeAsync("sch-crud", 9301);
        using var owned = admin;

        var created = await CreateAsync(admin, DailyBody(pair.Id));
        Assert.Equal(("30 2 * * *", "Europe/Berlin", true), (created.CronExpression, created.TimeZone, created.Enabled));
        Assert.NotNull(created.NextRun);

        var update = await admin.PutAsJsonAsync($"/api/v1/schedules/{created.Id}", CronBody(pair.Id, "0  */6 * * *"));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var fetched = (await admin.GetFromJsonAsync<ScheduleDto>($"/api/v1/schedules/{created.Id}", Json.Options))!;
        Assert.Equal(("0 */6 * * *", (string?)null, "UTC"), (fetched.Cron, fetched.DailyAt, fetched.TimeZone));
        Assert.Contains(await admin.GetFromJsonAsync<List<ScheduleDto>>($"/api/v1/schedules?pairId={pair.Id}", Json.Options) ?? [], s => s.Id == created.Id);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/schedules/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/schedules/{created.Id}")).StatusCode);

        var audit = await admin.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/audit?entityType=Schedule&take=500", Json.Options);
        Assert.Equal(["create", "update", "delete"],
            audit!.Items.Where(a => a.EntityId == created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).OrderBy(a => a.Id).Select(a => a.Action));
    }

    [Theory]
    [InlineData(1, "cron", "61 * * * *", "cron")]
    [InlineData(2, "cron", "0 0 30 2 *", "cron")]
    [InlineData(3, "cron", "* * * *", "cron")]
    [InlineData(4, "daily", "25:00", "dailyAt")]
    [InlineData(5, "zone", "Mars/Olympus_Mons", "timeZone")]
    public async Task Create_Invalid_Is400WithTheFieldsMessage(int n, string what, string value, string field)
    {
        var (admin, pair) = await ArrangeAsync($"sch-bad-{n}", 9310 + n);
        using var owned = admin;
        var body = what switch
        {
            "cron" => CronBody(pair.Id, value),
            "daily" => DailyBody(pair.Id, dailyAt: value),
            _ => DailyBody(pair.Id, timeZone: value),
        };

        var errors = await ErrorsOfAsync(await admin.PostAsJsonAsync("/api/v1/schedules", body));

        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty(field)[0].GetString()));
        var list = await admin.GetFromJsonAsync<List<ScheduleDto>>($"/api/v1/schedules?pairId={pair.Id}", Json.Options);
        Assert.Empty(list!);
    }

    [Fact]
    public async Task Create_UnknownPair_Is400OnVmPairId()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var errors = await ErrorsOfAsync(await admin.PostAsJsonAsync("/api/v1/schedules", DailyBody(987654)));

        Assert.Contains("does not exist", errors.GetProperty("vmPairId")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Viewer_CanRead_ButNotChange()
    {
        var (admin, pair) = await ArrangeAsync("sch-viewer", 9302);
        using var owned = admin;
        var schedule = await CreateAsync(admin, DailyBody(pair.Id));
        using var viewer = await _portal.CreateClientInRoleAsync("Viewer");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/schedules/{schedule.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/v1/schedules/{schedule.Id}/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/schedules", DailyBody(pair.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/v1/schedules/{schedule.Id}", DailyBody(pair.Id, "04:00"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync($"/api/v1/schedules/{schedule.Id}")).StatusCode);
    }

    [Fact]
    public async Task Preview_Saved_GivesFiveAscendingRunsAtTheLocalTime()
    {
        var (admin, pair) = await ArrangeAsync("sch-preview", 9303);
        using var owned = admin;
        var schedule = await CreateAsync(admin, DailyBody(pair.Id, "02:30", "America/New_York"));

        var preview = await admin.GetFromJsonAsync<SchedulePreviewDto>($"/api/v1/schedules/{schedule.Id}/preview", Json.Options);

        Assert.Equal(5, preview!.Runs.Count);
        Assert.Equal(preview.Runs.OrderBy(r => r), preview.Runs);
        Assert.All(preview.Runs, r => Assert.Equal(new TimeSpan(2, 30, 0), r.TimeOfDay));
    }

    [Fact]
    public async Task Preview_Unsaved_InvalidCron_Is400_ValidCron_GivesRuns()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var bad = await ErrorsOfAsync(await admin.PostAsJsonAsync("/api/v1/schedules/preview", CronBody(1, "every day")));
        var good = await admin.PostAsJsonAsync("/api/v1/schedules/preview?count=3", CronBody(1, "0 9 * * 1-5"));

        Assert.True(bad.TryGetProperty("cron", out _));
        var runs = (await good.Content.ReadFromJsonAsync<SchedulePreviewDto>(Json.Options))!.Runs;
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.True(r.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday));
    }

    [Fact]
    public async Task RetentionPreview_KeepLastOne_KeepsTheNewestAndListsTheRestForDeletion()
    {
        var (admin, pair) = await ArrangeAsync("sch-retain", 9304);
        using var owned = admin;
        var contexts = _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var start = new DateTimeOffset(2026, 11, 20, 2, 30, 0, TimeSpan.Zero);
            db.Archives.AddRange(Enumerable.Range(0, 3).Select(i => new Archive
            {
                VmPairId = pair.Id,
                SourceHypervisorId = pair.SourceHypervisorId,
                SourceHypervisorName = pair.SourceHypervisorName!,
                SourceVm = "100",
                Label = $"vzdump-qemu-100-2026_11_2{i}-02_30_00.vma.zst",
                CreatedAt = start.AddDays(i),
                InRepository = true,
                Files = [new ArchiveFile { Name = $"vzdump-qemu-100-2026_11_2{i}-02_30_00.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('b', 64) }],
                IsProtected = i == 0,
            }));
            await db.SaveChangesAsync();
        }

        var response = await admin.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = pair.Id, policy = new { keepLast = 1 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<RetentionPreviewDto>(Json.Options))!;
        Assert.Equal(["vzdump-qemu-100-2026_11_22-02_30_00.vma.zst", "vzdump-qemu-100-2026_11_20-02_30_00.vma.zst"], preview.Keep.Select(k => k.Label));
        Assert.Equal(["vzdump-qemu-100-2026_11_21-02_30_00.vma.zst"], preview.Delete.Select(k => k.Label));
        Assert.Contains("protected", preview.Keep[1].Reasons);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = 987654, policy = new { keepLast = 1 } })).StatusCode);
        var badZone = await ErrorsOfAsync(await admin.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = pair.Id, policy = new { keepLast = 1 }, timeZone = "Nowhere/Land" }));
        Assert.True(badZone.TryGetProperty("timeZone", out _));
        var negative = await ErrorsOfAsync(await admin.PostAsJsonAsync("/api/v1/retention/preview", new { pairId = pair.Id, policy = new { keepDaily = -1 } }));
        Assert.True(negative.TryGetProperty("policy.KeepDaily", out _), negative.ToString());
    }
}
