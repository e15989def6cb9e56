using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

/// <summary>Issue 14, finding 5: tokens expire, carry a scope no wider than their owner's role, and admins see and revoke all of them.</summary>
public class TokenScopeAndExpiryTests : IClassFixture<ClockedPortalFactory>
{
    private readonly ClockedPortalFactory _portal;

    public TokenScopeAndExpiryTests(ClockedPortalFactory portal) => _portal = portal;

    private async Task<string> CreateUserAsync(string role)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var name = $"t{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role))).StatusCode);
        return name;
    }

    private async Task<HttpResponseMessage> RequestTokenAsync(string user, string? scope = null, int? lifetimeDays = null, string? name = null)
    {
        using var anon = _portal.CreateClient();
        return await anon.PostAsJsonAsync("/api/v1/auth/tokens",
            new CreateTokenRequest(user, PortalFactory.AdminPassword, name ?? $"t{Guid.NewGuid():N}"[..10], null, scope, lifetimeDays));
    }

    private async Task<(HttpClient Client, TokenCreated Token)> ClientWithTokenAsync(string user, string? scope = null, int? lifetimeDays = null)
    {
        var response = await RequestTokenAsync(user, scope, lifetimeDays);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<TokenCreated>(Json.Options))!;
        var client = _portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return (client, token);
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task CreateToken_NoLifetime_ExpiresAfterThePolicyDefault()
    {
        var name = await CreateUserAsync(Roles.Viewer);
        var before = _portal.Clock.UtcNow;

        var (client, token) = await ClientWithTokenAsync(name);

        using (client)
        {
            Assert.InRange(token.ExpiresAt, before + SecurityPolicy.Default.TokenDefaultLifetime - TimeSpan.FromMinutes(1), before + SecurityPolicy.Default.TokenDefaultLifetime + TimeSpan.FromMinutes(1));
            Assert.Equal("read-only", token.Scope);
        }
    }

    [Fact]
    public async Task ExpiredToken_IsRefusedWith401ProblemSayingExpired()
    {
        var name = await CreateUserAsync(Roles.Operator);
        var (client, _) = await ClientWithTokenAsync(name, lifetimeDays: 1);
        using (client)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/pairs")).StatusCode);

            _portal.Clock.Offset = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1);
            HttpResponseMessage refused;
            try
            {
                refused = await client.GetAsync("/api/v1/pairs");
            }
            finally
            {
                _portal.Clock.Offset = TimeSpan.Zero;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateToken_LifetimeAboveThePolicyMaximum_Is400NamingLifetimeDays_AndCreatesNothing()
    {
        var name = await CreateUserAsync(Roles.Operator);

        var response = await RequestTokenAsync(name, lifetimeDays: (int)SecurityPolicy.Default.TokenMaximumLifetime.TotalDays + 1, name: "too-long");

        var errors = await ErrorsAsync(response);
        Assert.Contains("at most 365 days", errors.GetProperty("lifetimeDays")[0].GetString(), StringComparison.Ordinal);
        using var admin = await _portal.CreateAdminClientAsync();
        var all = await admin.GetFromJsonAsync<List<ApiTokenDto>>("/api/v1/tokens", Json.Options);
        Assert.DoesNotContain(all!, t => t.Owner == name);
    }

    [Fact]
    public async Task CreateToken_ScopeAboveTheOwnersRole_Is400NamingScope()
    {
        var name = await CreateUserAsync(Roles.Viewer);

        var operate = await RequestTokenAsync(name, scope: "operate");
        var unknown = await RequestTokenAsync(name, scope: "root");

        Assert.Contains("more than your role Viewer allows", (await ErrorsAsync(operate)).GetProperty("scope")[0].GetString(), StringComparison.Ordinal);
        Assert.True((await ErrorsAsync(unknown)).TryGetProperty("scope", out _));
    }

    [Fact]
    public async Task ReadOnlyToken_OfAnOperator_Gets403OnAnOperatePost_WhereTheOperateTokenIsLetIn()
    {
        var name = await CreateUserAsync(Roles.Operator);
        var (readOnly, readOnlyToken) = await ClientWithTokenAsync(name, scope: "read-only");
        var (operate, _) = await ClientWithTokenAsync(name, scope: "operate");
        using (readOnly)
        using (operate)
        {
            // An empty pair: an authorized caller gets the validation answer, an unauthorized one never reaches it.
            var refused = await readOnly.PostAsJsonAsync("/api/v1/pairs", new { });
            var admitted = await operate.PostAsJsonAsync("/api/v1/pairs", new { });

            Assert.Equal("read-only", readOnlyToken.Scope);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, admitted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/pairs")).StatusCode);
        }
    }

    [Fact]
    public async Task OperateTokenOfAnAdmin_CannotAdminister()
    {
        await _portal.EnsureAdminAsync();
        var (operate, _) = await ClientWithTokenAsync(PortalFactory.AdminName, scope: "operate");
        using (operate)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await operate.GetAsync("/api/v1/users")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await operate.GetAsync("/api/v1/tokens")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await operate.GetAsync("/api/v1/pairs")).StatusCode);
        }
    }

    [Fact]
    public async Task Admin_ListsAndRevokesAnotherUsersToken_WhichThenGets401_AndTheRevocationIsAudited()
    {
        var name = await CreateUserAsync(Roles.Operator);
        var (user, token) = await ClientWithTokenAsync(name, scope: "operate", lifetimeDays: 30);
        using var admin = await _portal.CreateAdminClientAsync();
        using (user)
        {
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/pairs")).StatusCode);

            var listed = (await admin.GetFromJsonAsync<List<ApiTokenDto>>("/api/v1/tokens", Json.Options))!.Single(t => t.Id == token.Id);
            var revoke = await admin.DeleteAsync($"/api/v1/tokens/{token.Id}");

            Assert.Equal(name, listed.Owner);
            Assert.Equal("operate", listed.Scope);
            Assert.Equal(token.ExpiresAt, listed.ExpiresAt);
            Assert.NotNull(listed.LastUsedAt);
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/pairs")).StatusCode);
            Assert.DoesNotContain((await admin.GetFromJsonAsync<List<ApiTokenDto>>("/api/v1/tokens", Json.Options))!, t => t.Id == token.Id);
            var audit = await admin.GetStringAsync($"/api/v1/audit?search={name}&type=ApiToken");
            Assert.Contains($"of {name}", audit, StringComparison.Ordinal);
            Assert.Contains("\"action\":\"revoke\"", audit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TokensList_IsForAdminsOnly()
    {
        var name = await CreateUserAsync(Roles.Operator);
        var (user, token) = await ClientWithTokenAsync(name, scope: "operate");
        using (user)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/tokens")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.DeleteAsync($"/api/v1/tokens/{token.Id}")).StatusCode);
        }
    }
}
