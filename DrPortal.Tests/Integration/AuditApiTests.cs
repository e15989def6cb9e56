using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>Authentication events, names in entries, filters and the CSV export, against MariaDB through the real login form and API.</summary>
public class AuditApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public AuditApiTests(PortalFactory portal) => _portal = portal;

    private IDbContextFactory<DrPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    private async Task<List<AuditEntry>> EntriesAsync(string actor, string entityType = SignInEvent.EntityType)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Actor == actor && a.EntityType == entityType).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<string> CreateUserAsync(string prefix, string role = Roles.Operator)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var name = $"{prefix}-{Guid.NewGuid():N}"[..14];
        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role));
        response.EnsureSuccessStatusCode();
        return name;
    }

    [Fact]
    public async Task LoginForm_SignInAndSignOut_AreAudited()
    {
        var name = await CreateUserAsync("form");
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        var login = await LoginForm.PostAsync(client, name, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var logout = await LoginForm.LogOutAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var entries = await EntriesAsync(name);
        Assert.Equal(["sign-in", "sign-out"], entries.Select(e => e.Action));
        Assert.Contains("login page", entries[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_WrongPassword_IsAuditedWithTheName_AndThePasswordIsNotSentBack()
    {
        var name = await CreateUserAsync("wrong");
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });
        const string typed = "Tr0ub4dor-wrong-pass";

        var response = await LoginForm.PostAsync(client, name, typed);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("data-test=\"login-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(typed, html, StringComparison.Ordinal);
        var entry = Assert.Single(await EntriesAsync(name));
        Assert.Equal("sign-in-failed", entry.Action);
        Assert.Contains("wrong password", entry.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(typed, entry.After ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_MissingUserName_DoesNotSendThePasswordBack()
    {
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });
        const string typed = "only-the-password-typed";

        var response = await LoginForm.PostAsync(client, "", typed);

        Assert.DoesNotContain(typed, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_RepeatedWrongPasswords_AreThrottledNotLocked_AndAnUnknownNameIsAudited()
    {
        var name = await CreateUserAsync("lock");
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        for (var i = 0; i < 8; i++)
        {
            await LoginForm.PostAsync(client, name, "not-the-password-" + i);
        }
        await LoginForm.PostAsync(client, name, PortalFactory.AdminPassword);
        var ghost = $"ghost-{Guid.NewGuid():N}"[..12];
        await LoginForm.PostAsync(client, ghost, "whatever-it-is");

        var entries = await EntriesAsync(name);
        Assert.Equal(Enumerable.Repeat("sign-in-failed", 9), entries.Select(e => e.Action));
        Assert.DoesNotContain(entries, e => e.Action == "lockout");
        Assert.Contains("throttled", entries[^1].Summary, StringComparison.Ordinal);
        Assert.Contains("no such user", Assert.Single(await EntriesAsync(ghost)).Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCreation_SuccessAndFailure_AreAudited()
    {
        var name = await CreateUserAsync("token");
        using var client = _portal.CreateClient();

        var bad = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, "wrong-wrong-wrong", "ci"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        var good = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, PortalFactory.AdminPassword, "ci"));
        Assert.True(good.IsSuccessStatusCode, good.StatusCode.ToString());

        var entries = await EntriesAsync(name);
        Assert.Equal(["sign-in-failed", "sign-in"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Contains("API token creation", e.Summary, StringComparison.Ordinal));
        var created = Assert.Single(await EntriesAsync(name, "ApiToken"));
        Assert.Contains($"of {name}", created.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("UserId", created.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_NameHostsAndUsers_AndSnapshotsAreReadable()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, "names-dc");
        var recovery = await CreateHostAsync(admin, "names-dr", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9700);
        var user = await CreateUserAsync("named");

        await using var db = await Contexts.CreateDbContextAsync();
        var pairId = pair.Id.ToString(CultureInfo.InvariantCulture);
        var added = await db.AuditEntries.SingleAsync(a => a.EntityType == "VmPair" && a.EntityId == pairId && a.Action == "create");
        Assert.Equal("Added pair names-dc/100 → names-dr/9700", added.Summary);
        Assert.Contains("\"sourceHost\":\"names-dc\"", added.After, StringComparison.Ordinal);
        var createdUser = await db.AuditEntries.SingleAsync(a => a.EntityType == "User" && a.Action == "create" && a.Summary!.Contains(user));
        Assert.Equal(user, createdUser.EntityId);
        Assert.DoesNotContain("\"id\"", createdUser.After, StringComparison.OrdinalIgnoreCase);
        var log = _portal.Services.GetRequiredService<IAuditLog>();
        var marker = $"readable-{Guid.NewGuid():N}";
        await log.RecordAsync("tester", "update", "Archive", "1", marker, null, new { At = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), Pair = "a → b", Html = "<b>&'" }, CancellationToken.None);
        var readable = await db.AuditEntries.SingleAsync(a => a.Summary == marker);
        Assert.Equal("{\"at\":\"2026-12-02T10:00:00+00:00\",\"pair\":\"a → b\",\"html\":\"<b>&'\"}", readable.After);
    }

    [Fact]
    public async Task Query_FiltersByUserTypeAndDates()
    {
        var log = _portal.Services.GetRequiredService<IAuditLog>();
        var who = $"filter-{Guid.NewGuid():N}"[..14];
        await log.RecordAsync(who, "update", "VmPair", "1", "one", null, null, CancellationToken.None);
        await log.RecordAsync(who, "delete", "Hypervisor", "2", "two", null, null, CancellationToken.None);
        await log.RecordAsync("someone-else", "delete", "Hypervisor", "3", "three", null, null, CancellationToken.None);
        using var viewer = await _portal.CreateClientInRoleAsync(Roles.Viewer);
        var now = DateTimeOffset.UtcNow;

        var byUser = await viewer.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/v1/audit?user={who}", Json.Options);
        var byBoth = await viewer.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/v1/audit?user={who}&type=Hypervisor", Json.Options);
        var inRange = await viewer.GetFromJsonAsync<Page<AuditEntryDto>>(
            $"/api/v1/audit?user={who}&from={Uri.EscapeDataString(now.AddHours(-1).ToString("o"))}&to={Uri.EscapeDataString(now.AddHours(1).ToString("o"))}", Json.Options);
        var past = await viewer.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/v1/audit?user={who}&to={Uri.EscapeDataString(now.AddDays(-1).ToString("o"))}", Json.Options);
        var backwards = await viewer.GetAsync($"/api/v1/audit?from={Uri.EscapeDataString(now.ToString("o"))}&to={Uri.EscapeDataString(now.AddDays(-1).ToString("o"))}");

        Assert.Equal(["two", "one"], byUser!.Items.Select(i => i.Summary));
        Assert.Equal(["two"], byBoth!.Items.Select(i => i.Summary));
        Assert.Equal(2, inRange!.Total);
        Assert.Equal(0, past!.Total);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
    }

    [Fact]
    public async Task ExportCsv_QuotesAndDefusesHostileValues()
    {
        var log = _portal.Services.GetRequiredService<IAuditLog>();
        var who = $"=cmd|'/c calc'!A0-{Guid.NewGuid():N}"[..30];
        await log.RecordAsync(who, "update", "VmPair", "1", "comma, \"quote\" and\nnewline", new { note = "@SUM(1+1)" }, null, CancellationToken.None);
        using var viewer = await _portal.CreateClientInRoleAsync(Roles.Viewer);

        var response = await viewer.GetAsync($"/api/v1/audit/export.csv?user={Uri.EscapeDataString(who)}");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Id,At (UTC),Actor,", lines[0], StringComparison.Ordinal);
        Assert.Contains($",'{who},update,VmPair,1,\"comma, \"\"quote\"\" and\nnewline\",\"{{\"\"note\"\":\"\"@SUM(1+1)\"\"}}\",", lines[1], StringComparison.Ordinal);
    }
}
