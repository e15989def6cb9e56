using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using MySqlConnector;

namespace DrPortal.Tests.Integration;

public class AccountsApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public AccountsApiTests(PortalFactory portal) => _portal = portal;

    private async Task<string> CreateUserAsync(string role, string password = PortalFactory.AdminPassword)
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var name = $"u{Guid.NewGuid():N}"[..12];
        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, password, role));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    [Fact]
    public async Task Token_IsShownOnce_StoredHashed_AndStopsWorkingWhenRevoked()
    {
        await _portal.EnsureAdminAsync();
        using var anon = _portal.CreateClient();
        var created = await anon.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, "ci"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<TokenCreated>(Json.Options))!;
        Assert.StartsWith(ApiToken.Prefix, token.Token, StringComparison.Ordinal);

        using var client = _portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.Token);
        var listed = await client.GetFromJsonAsync<List<ApiTokenSummary>>("/api/v1/auth/tokens", Json.Options);
        var mine = Assert.Single(listed!, t => t.Id == token.Id);
        Assert.DoesNotContain(token.Token, JsonSerializer.Serialize(listed), StringComparison.Ordinal);
        Assert.NotNull(mine.LastUsedAt);

        // The database holds a hash, never the token.
        await using (var conn = new MySqlConnection(_portal.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new MySqlCommand("SELECT TokenHash FROM api_tokens WHERE Id = @id", conn);
            cmd.Parameters.AddWithValue("@id", token.Id);
            var hash = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.Equal(64, hash.Length);
            Assert.DoesNotContain(token.Token, hash, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/auth/tokens/{token.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/hypervisors")).StatusCode);
    }

    [Fact]
    public async Task TokenCreation_WrongPassword_Is401()
    {
        await _portal.EnsureAdminAsync();
        using var anon = _portal.CreateClient();

        var response = await anon.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(PortalFactory.AdminName, "wrong-password-123", "x"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RepeatedFailures_ThrottleThisClient_ButNeverLockTheAccount()
    {
        var name = await CreateUserAsync(Roles.Viewer);
        using var anon = _portal.CreateClient();
        // Eight failures: the wait is then 8 s, long enough that a slow machine still sees it.
        for (var i = 0; i < 8; i++)
        {
            await anon.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, "wrong-password-123", "x"));
        }

        var response = await anon.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, PortalFactory.AdminPassword, "x"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("Too many attempts from this address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var admin = await _portal.CreateAdminClientAsync();
        var users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        Assert.False(users!.Single(u => u.UserName == name).IsLockedOut);
    }

    [Fact]
    public async Task DisablingAUser_StopsTheirTokens()
    {
        var name = await CreateUserAsync(Roles.Operator);
        using var user = await _portal.CreateClientForAsync(name, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/pairs")).StatusCode);

        using var admin = await _portal.CreateAdminClientAsync();
        var users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        var id = users!.Single(u => u.UserName == name).Id;
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Operator, true))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/pairs")).StatusCode);
    }

    [Fact]
    public async Task TheLastAdmin_CannotBeDemotedOrDisabled()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        var admins = users!.Where(u => u.Role == Roles.Admin && !u.IsDisabled).ToList();
        Assert.Single(admins);

        var demote = await admin.PutAsJsonAsync($"/api/v1/users/{admins[0].Id}", new UpdateUserRequest(Roles.Viewer, false));
        var disable = await admin.PutAsJsonAsync($"/api/v1/users/{admins[0].Id}", new UpdateUserRequest(Roles.Admin, true));

        Assert.True(demote.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest, $"{demote.StatusCode}");
        Assert.True(disable.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest, $"{disable.StatusCode}");
        users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        Assert.Equal(Roles.Admin, users!.Single(u => u.Id == admins[0].Id).Role);
    }

    [Theory]
    [InlineData("short", "password")]
    [InlineData("", "password")]
    public async Task CreateUser_WeakPassword_Is400(string password, string field)
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("weakling", password, Roles.Viewer));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task CreateUser_UnknownRole_Is400()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest("roleless", PortalFactory.AdminPassword, "Root"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Audit_NeverContainsPasswordsOrTokens()
    {
        var name = await CreateUserAsync(Roles.Viewer, "a-very-secret-passphrase");
        using var user = await _portal.CreateClientForAsync(name, "a-very-secret-passphrase");
        var token = user.DefaultRequestHeaders.Authorization!.Parameter!;

        using var admin = await _portal.CreateAdminClientAsync();
        var audit = await admin.GetStringAsync("/api/v1/audit?take=500");

        Assert.Contains(name, audit, StringComparison.Ordinal);
        Assert.DoesNotContain("a-very-secret-passphrase", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalFactory.AdminPassword, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(token, audit, StringComparison.Ordinal);
    }
}
