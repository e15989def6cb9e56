using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;
using static DrPortal.Tests.Integration.ScheduleApiTests;

namespace DrPortal.Tests.Integration;

/// <summary>
/// Issue 14, findings 6, 7 and 10: every API error is a problem detail, a binding or type error names the field and
/// what it takes, optional fields of a PUT stay as they are, Viewers read the audit log without its security entries.
/// </summary>
[Collection(ScheduleCollection.Name)]
public class ApiErrorTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string ProblemJson = "application/problem+json";

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The one message the problem's errors hold for <paramref name="field"/>.</summary>
    private static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error on '{field}': {errors}");
        return messages[0].GetString()!;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task CreateHost_StringWhereANumberBelongs_Is400NamingTheField()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/hypervisors",
            Json("""{"name":"typed-1","address":"10.250.0.11","sshPort":"twenty-two","kind":"Proxmox","site":"Primary","sshUser":"root"}"""));

        Assert.Equal("must be a number (a whole number).", await FieldErrorAsync(response, "sshPort"));
    }

    [Theory]
    [InlineData("\"Primary, Recovery\"")]
    [InlineData("\"Primary,Recovery\"")]
    [InlineData("1")]
    [InlineData("\"Elsewhere\"")]
    public async Task CreateHost_EnumNotOneName_Is400ListingTheNames_AndSavesNothing(string site)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"enum-{Guid.NewGuid():N}"[..12];

        var response = await admin.PostAsync("/api/v1/hypervisors",
            Json($$"""{"name":"{{name}}","address":"10.250.0.11","sshPort":22,"kind":"Proxmox","site":{{site}},"sshUser":"root"}"""));

        Assert.Equal("must be one of: Primary, Recovery.", await FieldErrorAsync(response, "site"));
        var hosts = await admin.GetFromJsonAsync<List<HypervisorDto>>("/api/v1/hypervisors", Support.Json.Options);
        Assert.DoesNotContain(hosts!, h => h.Name == name);
    }

    [Fact]
    public async Task CreateHost_EnumNameInOtherCase_IsAccepted()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/hypervisors",
            Json("""{"name":"case-dr","address":"10.250.0.21","sshPort":22,"kind":"proxmox","site":"recovery","sshUser":"root"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var host = await response.Content.ReadFromJsonAsync<HypervisorDto>(Support.Json.Options);
        Assert.Equal(Core.Hosts.Site.Recovery, host!.Site);
    }

    [Fact]
    public async Task CreateHost_MalformedJson_Is400SayingWhere()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/hypervisors", Json("{\"name\":\"broken\",\n \"sshPort\": 22,,}"));

        var message = await FieldErrorAsync(response, "body");
        Assert.StartsWith("is not valid JSON at line 2, position", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateHost_NoBody_Is400OnTheBody()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/hypervisors", Json(""));

        Assert.Contains("required", await FieldErrorAsync(response, "body"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("take=abc", "take", "must be a number (a whole number).")]
    [InlineData("status=Nope", "status", "must be one of: Queued, ")]
    [InlineData("pairId=1.5", "pairId", "must be a number (a whole number).")]
    public async Task ListTasks_BadQueryParameter_Is400NamingTheParameter(string query, string parameter, string expected)
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync($"/api/v1/tasks?{query}");

        Assert.StartsWith(expected, await FieldErrorAsync(response, parameter), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_ValidCronLongerThanTheColumn_Is400ProblemDetails_OnPostAndPut()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var primary = await CreateHostAsync(admin, "longcron-dc");
        var recovery = await CreateHostAsync(admin, "longcron-dr", "Recovery");
        var pair = await CreatePairAsync(admin, primary.Id, 100, recovery.Id, 9411);
        var everyMinute = string.Join(",", Enumerable.Range(0, 60)) + " * * * *";
        var created = await admin.PostAsJsonAsync("/api/v1/schedules", CronBody(pair.Id, "*/5 * * * *"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var post = await admin.PostAsJsonAsync("/api/v1/schedules", CronBody(pair.Id, everyMinute));
        var put = await admin.PutAsJsonAsync($"/api/v1/schedules/{id}", CronBody(pair.Id, everyMinute));

        Assert.Contains("at most 120 characters", await FieldErrorAsync(post, "cron"), StringComparison.Ordinal);
        Assert.Contains("at most 120 characters", await FieldErrorAsync(put, "cron"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/api/v1/no-such-thing/7", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/api/v1/tasks", HttpStatusCode.MethodNotAllowed)]
    public async Task UnknownRouteOrMethod_IsProblemJson(string method, string path, HttpStatusCode status)
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await ProblemAsync(response, status);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task CreateHost_NotJsonContentType_Is415ProblemJson()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.PostAsync("/api/v1/hypervisors", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Anonymous_Is401ProblemJson()
    {
        using var anonymous = portal.CreateClient();

        var response = await anonymous.GetAsync("/api/v1/hypervisors");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UpdateUser_WithoutDisabled_KeepsTheUserDisabled_AndWithoutRole_KeepsTheRole()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest($"keep-{Guid.NewGuid():N}"[..12], PortalFactory.AdminPassword, Roles.Operator));
        var user = (await created.Content.ReadFromJsonAsync<UserDto>(Support.Json.Options))!;
        (await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = Roles.Operator, disabled = true })).EnsureSuccessStatusCode();

        var roleOnly = await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = Roles.Viewer });
        var afterRole = await roleOnly.Content.ReadFromJsonAsync<UserDto>(Support.Json.Options);
        var disabledOnly = await admin.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { disabled = false });
        var afterEnable = await disabledOnly.Content.ReadFromJsonAsync<UserDto>(Support.Json.Options);

        Assert.Equal(HttpStatusCode.OK, roleOnly.StatusCode);
        Assert.Equal((Roles.Viewer, true), (afterRole!.Role, afterRole.IsDisabled));
        Assert.Equal(HttpStatusCode.OK, disabledOnly.StatusCode);
        Assert.Equal((Roles.Viewer, false), (afterEnable!.Role, afterEnable.IsDisabled));
    }

    [Fact]
    public async Task AuditLog_Viewer_SeesNoUserTokenOrSignInEntries_OperatorAndAdminDo()
    {
        using var admin = await portal.CreateAdminClientAsync();
        using var viewer = await portal.CreateClientInRoleAsync(Roles.Viewer);
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);
        await CreateHostAsync(admin, $"audit-{Guid.NewGuid():N}"[..12]);

        async Task<HashSet<string>> TypesAsync(HttpClient client, string query = "")
        {
            var page = await client.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/v1/audit?take=500{query}", Support.Json.Options);
            return page!.Items.Select(e => e.EntityType).ToHashSet();
        }
        var seenByViewer = await TypesAsync(viewer);
        var asked = await TypesAsync(viewer, "&type=ApiToken");
        var export = await viewer.GetStringAsync("/api/v1/audit/export.csv");
        var seenByOperator = await TypesAsync(operatorClient);
        var seenByAdmin = await TypesAsync(admin);

        Assert.Contains("Hypervisor", seenByViewer);
        Assert.DoesNotContain(seenByViewer, t => t is "User" or "ApiToken" or "Authentication");
        Assert.Empty(asked);
        Assert.Contains("Hypervisor", export, StringComparison.Ordinal);
        Assert.DoesNotContain(",ApiToken,", export, StringComparison.Ordinal);
        Assert.DoesNotContain(",Authentication,", export, StringComparison.Ordinal);
        Assert.Contains("ApiToken", seenByOperator);
        Assert.Contains("User", seenByAdmin);
        Assert.Contains("Authentication", seenByAdmin);
    }

    [Fact]
    public async Task HangfireStats_Admin_Gets200WithTheMetrics()
    {
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.GetAsync("/hangfire/stats");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(body).RootElement.ValueKind);
        Assert.Contains("\"succeeded:count\"", body, StringComparison.Ordinal);
    }
}
