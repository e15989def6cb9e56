using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

/// <summary>Issue 14, finding 5: an API token must not outlive the trust it was issued under.</summary>
public class TokenLifetimeTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public TokenLifetimeTests(PortalFactory portal) => _portal = portal;

    private async Task<(string Name, string Id)> CreateUserAsync(HttpClient admin, string role)
    {
        var name = $"t{Guid.NewGuid():N}"[..12];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role))).StatusCode);
        var users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        return (name, users!.Single(u => u.UserName == name).Id);
    }

    [Fact]
    public async Task PasswordResetByAnAdmin_RevokesTheUsersOldTokens_AndAuditsIt()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var (name, id) = await CreateUserAsync(admin, Roles.Operator);
        using var user = await _portal.CreateClientForAsync(name, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/pairs")).StatusCode);

        var reset = await admin.PostAsJsonAsync($"/api/v1/users/{id}/password", new PasswordRequest("another-Strong-pass-42"));
        Assert.True(reset.IsSuccessStatusCode, $"reset answered {reset.StatusCode}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/pairs")).StatusCode);
        var audit = await admin.GetStringAsync($"/api/v1/audit?search={name}");
        Assert.Contains($"Revoked all 1 API token(s) of {name} (password reset)", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemotingAUser_RevokesTheirTokens_ButAPromotionKeepsThem()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var (name, id) = await CreateUserAsync(admin, Roles.Operator);
        using var user = await _portal.CreateClientForAsync(name, PortalFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Admin, false))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/pairs")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Viewer, false))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/v1/pairs")).StatusCode);
    }
}
