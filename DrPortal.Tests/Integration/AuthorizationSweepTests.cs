using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Calls every API endpoint anonymously and with each role; expects 401/403 exactly where due.</summary>
public class AuthorizationSweepTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public AuthorizationSweepTests(PortalFactory portal) => _portal = portal;

    /// <summary>Method, path, least role allowed ("" = anonymous).</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/v1/hypervisors", Roles.Viewer },
        { "GET", "/api/v1/hypervisors/1", Roles.Viewer },
        { "POST", "/api/v1/hypervisors", Roles.Admin },
        { "PUT", "/api/v1/hypervisors/1", Roles.Admin },
        { "DELETE", "/api/v1/hypervisors/1", Roles.Admin },
        { "GET", "/api/v1/hypervisors/1/hostkey", Roles.Admin },
        { "POST", "/api/v1/hypervisors/1/trust", Roles.Admin },
        { "POST", "/api/v1/hypervisors/1/install-key", Roles.Admin },
        { "POST", "/api/v1/hypervisors/1/test", Roles.Operator },
        { "GET", "/api/v1/hypervisors/1/vms", Roles.Viewer },
        { "GET", "/api/v1/settings/ssh-public-key", Roles.Viewer },
        { "GET", "/api/v1/hypervisor-kinds", Roles.Viewer },
        { "GET", "/api/v1/pairs", Roles.Viewer },
        { "GET", "/api/v1/pairs/1", Roles.Viewer },
        { "GET", "/api/v1/pairs/protection", Roles.Viewer },
        { "POST", "/api/v1/pairs", Roles.Operator },
        { "PUT", "/api/v1/pairs/1", Roles.Operator },
        { "DELETE", "/api/v1/pairs/1", Roles.Operator },
        { "GET", "/api/v1/audit", Roles.Viewer },
        { "GET", "/api/v1/audit/export.csv", Roles.Viewer },
        { "GET", "/api/v1/notifications/targets", Roles.Admin },
        { "POST", "/api/v1/notifications/targets", Roles.Admin },
        { "PUT", "/api/v1/notifications/targets/1", Roles.Admin },
        { "DELETE", "/api/v1/notifications/targets/1", Roles.Admin },
        { "POST", "/api/v1/notifications/targets/1/test", Roles.Admin },
        { "GET", "/api/v1/notifications/rules", Roles.Admin },
        { "POST", "/api/v1/notifications/rules", Roles.Admin },
        { "PUT", "/api/v1/notifications/rules/1", Roles.Admin },
        { "DELETE", "/api/v1/notifications/rules/1", Roles.Admin },
        { "GET", "/api/v1/notifications/deliveries", Roles.Admin },
        { "POST", "/api/v1/pairs/999/backup", Roles.Operator },
        { "GET", "/api/v1/pairs/999/preflight", Roles.Operator },
        { "POST", "/api/v1/pairs/999/replicate", Roles.Operator },
        { "POST", "/api/v1/pairs/999/restore", Roles.Operator },
        { "GET", "/api/v1/tasks", Roles.Viewer },
        { "GET", "/api/v1/tasks/999", Roles.Viewer },
        { "GET", "/api/v1/tasks/999/log", Roles.Viewer },
        { "POST", "/api/v1/tasks/999/cancel", Roles.Operator },
        { "POST", "/api/v1/tasks/999/retry", Roles.Operator },
        { "GET", "/api/v1/archives", Roles.Viewer },
        { "GET", "/api/v1/archives/999", Roles.Viewer },
        { "DELETE", "/api/v1/archives/999", Roles.Operator },
        { "PUT", "/api/v1/archives/999/protection", Roles.Operator },
        { "POST", "/api/v1/pairs/999/verify", Roles.Operator },
        { "POST", "/api/v1/archives/999/verify", Roles.Operator },
        { "POST", "/api/v1/archives/verify", Roles.Operator },
        { "GET", "/api/v1/archives/orphans", Roles.Admin },
        { "POST", "/api/v1/archives/orphans/delete", Roles.Admin },
        { "POST", "/api/v1/archives/orphans/forget/999", Roles.Admin },
        { "GET", "/api/v1/coverage", Roles.Viewer },
        { "GET", "/api/v1/schedules", Roles.Viewer },
        { "GET", "/api/v1/schedules/999", Roles.Viewer },
        { "POST", "/api/v1/schedules", Roles.Operator },
        { "PUT", "/api/v1/schedules/999", Roles.Operator },
        { "DELETE", "/api/v1/schedules/999", Roles.Operator },
        { "GET", "/api/v1/schedules/999/preview", Roles.Viewer },
        { "POST", "/api/v1/schedules/preview", Roles.Viewer },
        { "GET", "/api/v1/schedules/999/runs", Roles.Viewer },
        { "POST", "/api/v1/schedules/999/prune", Roles.Operator },
        { "POST", "/api/v1/retention/preview", Roles.Viewer },
        { "GET", "/api/v1/auth/antiforgery", Roles.Viewer },
        { "GET", "/api/v1/auth/tokens", Roles.Viewer },
        { "DELETE", "/api/v1/auth/tokens/999", Roles.Viewer },
        { "GET", "/api/v1/tokens", Roles.Admin },
        { "DELETE", "/api/v1/tokens/999", Roles.Admin },
        { "GET", "/api/v1/settings/security", Roles.Admin },
        { "PUT", "/api/v1/settings/security", Roles.Admin },
        { "GET", "/api/v1/users", Roles.Admin },
        { "POST", "/api/v1/users", Roles.Admin },
        { "PUT", "/api/v1/users/nobody", Roles.Admin },
        { "POST", "/api/v1/users/nobody/password", Roles.Admin },
        { "DELETE", "/api/v1/users/nobody/two-factor", Roles.Admin },
        { "GET", "/api/v1/account/sessions", Roles.Viewer },
        { "GET", "/api/v1/pairs/999/history", Roles.Viewer },
        { "GET", "/api/v1/reports/readiness", Roles.Viewer },
        { "GET", "/api/v1/reports/readiness.csv", Roles.Viewer },
        { "GET", "/api/v1/stats/dashboard", Roles.Viewer },
        { "GET", "/api/v1/stats/history", Roles.Viewer },
        { "DELETE", "/api/v1/account/sessions/nobody", Roles.Viewer },
        { "DELETE", "/api/v1/users/nobody/sessions", Roles.Admin },
        { "GET", "/api/v1/plans", Roles.Viewer },
        { "GET", "/api/v1/plans/999", Roles.Viewer },
        { "POST", "/api/v1/plans", Roles.Operator },
        { "PUT", "/api/v1/plans/999", Roles.Operator },
        { "DELETE", "/api/v1/plans/999", Roles.Operator },
        { "POST", "/api/v1/plans/999/drill", Roles.Operator },
        { "POST", "/api/v1/plans/999/failover", Roles.Admin },
        { "POST", "/api/v1/plans/999/failback", Roles.Admin },
        { "POST", "/api/v1/pairs/999/drill", Roles.Operator },
        { "GET", "/api/v1/pairs/999/recovery", Roles.Viewer },
        { "PUT", "/api/v1/pairs/999/recovery", Roles.Operator },
        { "GET", "/api/v1/runs", Roles.Viewer },
        { "GET", "/api/v1/runs/999", Roles.Viewer },
        { "GET", "/api/v1/runs/999/report", Roles.Viewer },
        { "GET", "/api/v1/runs/999/report.csv", Roles.Viewer },
        { "POST", "/api/v1/runs/999/cancel", Roles.Operator },
    };

    private static readonly string[] Ranked = [Roles.Viewer, Roles.Operator, Roles.Admin];

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method is "GET" or "DELETE" ? null : JsonContent.Create(new { }) };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Anonymous_Is401(string method, string path, string _)
    {
        await _portal.EnsureAdminAsync();
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task BadToken_Is401(string method, string path, string _)
    {
        await _portal.EnsureAdminAsync();
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", "drp_not-a-real-token");

        var response = await client.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EachRole_IsForbiddenExactlyBelowTheRequiredRole(string method, string path, string least)
    {
        foreach (var role in Ranked)
        {
            using var client = await ClientAsync(role);
            var response = await client.SendAsync(Request(method, path));
            var allowed = Array.IndexOf(Ranked, role) >= Array.IndexOf(Ranked, least);
            if (allowed)
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                    $"{role} should be allowed {method} {path}, got {(int)response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} should get 403 on {method} {path}, got {(int)response.StatusCode}");
            }
        }
    }

    private readonly Dictionary<string, string> _tokens = [];

    private async Task<HttpClient> ClientAsync(string role)
    {
        // Users are created once per test class instance; tokens are reused through a fresh client each time.
        if (!_tokens.TryGetValue(role, out var token))
        {
            using var c = role == Roles.Admin ? await _portal.CreateAdminClientAsync() : await _portal.CreateClientInRoleAsync(role);
            token = c.DefaultRequestHeaders.Authorization!.Parameter!;
            _tokens[role] = token;
        }
        var client = _portal.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>Endpoints open without login, by design: first-run setup and exchanging a password for a token.</summary>
    private static readonly string[] Public = ["POST /api/v1/setup", "POST /api/v1/auth/tokens"];

    [Fact]
    public void Endpoints_CoverEveryApiRouteTheApplicationMaps()
    {
        static string Shape(string method, string path) =>
            method + " " + System.Text.RegularExpressions.Regex.Replace(path.TrimEnd('/'), @"\{[^}]*\}|(?<=/)(\d+|nobody)(?=/|$)", "{}");
        var swept = Endpoints.Select(row => Shape((string)row[0], (string)row[1])).Concat(Public.Select(p => Shape(p.Split(' ')[0], p.Split(' ')[1])))
            .ToHashSet(StringComparer.Ordinal);

        var mapped = _portal.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => Shape(m, e.RoutePattern.RawText!)))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(mapped.Except(swept).Order());
        Assert.Empty(swept.Except(mapped).Order());
    }

    [Fact]
    public async Task Pages_RedirectAnonymousToLogin()
    {
        await _portal.EnsureAdminAsync();
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        var page = await client.GetAsync("/hosts");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_IsPublicAndListsTheEndpoints()
    {
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        var openApi = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Contains("/api/v1/hypervisors", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
