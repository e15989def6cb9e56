using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Audit;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>
/// "Require two-factor for role X" (issue 14): Operators here must use two-factor sign-in. An Operator who has not set it
/// up reaches only the enrolment page, and the API refuses their cookie and their tokens until they have.
/// </summary>
public class TwoFactorPolicyTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string Enrolment = "Two-factor enrolment required";

    private async Task RequireTwoFactorForOperatorsAsync()
    {
        var store = portal.Services.GetRequiredService<ISecurityPolicyStore>();
        var policy = await store.GetAsync(CancellationToken.None);
        await store.SaveAsync(policy with { TwoFactorRequiredRoles = [Roles.Operator] }, PortalFactory.AdminName, CancellationToken.None);
    }

    private async Task<(string Name, string Id)> CreateUserAsync(string role)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"tp{Guid.NewGuid():N}"[..12];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role));
        created.EnsureSuccessStatusCode();
        return (name, (await created.Content.ReadFromJsonAsync<UserDto>(Json.Options))!.Id);
    }

    /// <summary>A token made by the accounts service itself, as one made before the policy named the role would be.</summary>
    private async Task<HttpClient> TokenClientAsync(string id, string name)
    {
        var token = await portal.Services.GetRequiredService<IUserAccounts>().CreateTokenAsync(id, new ApiTokenRequest("before-policy"), name, CancellationToken.None);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);
        return client;
    }

    private async Task<HttpClient> CookieClientAsync(string name)
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await LoginForm.PostAsync(client, name, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    private static async Task<string?> ProblemTitleAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("title").GetString();
    }

    [Fact]
    public async Task Api_RequiredRoleWithoutTwoFactor_RefusesCookieAndTokenUntilEnrolled()
    {
        await portal.EnsureAdminAsync();
        await RequireTwoFactorForOperatorsAsync();
        var (name, id) = await CreateUserAsync(Roles.Operator);
        using var token = await TokenClientAsync(id, name);
        using var cookie = await CookieClientAsync(name);

        var byCookie = await cookie.GetAsync("/api/v1/hypervisors");
        var byToken = await token.GetAsync("/api/v1/hypervisors");
        var page = await cookie.GetAsync("/pairs");
        using var anonymous = portal.CreateClient();
        var newToken = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, PortalFactory.AdminPassword, "refused"));
        await TwoFactorEnrolment.EnrolAsync(portal.Services, name);
        var byCookieAfter = await cookie.GetAsync("/api/v1/hypervisors");
        var byTokenAfter = await token.GetAsync("/api/v1/hypervisors");
        var pageAfter = await cookie.GetAsync("/pairs");

        Assert.Equal(HttpStatusCode.Forbidden, byCookie.StatusCode);
        Assert.Equal(Enrolment, await ProblemTitleAsync(byCookie));
        Assert.Equal(HttpStatusCode.Forbidden, byToken.StatusCode);
        Assert.Equal("application/problem+json", byToken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Enrolment, await ProblemTitleAsync(byToken));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login/2fa/enrol?returnUrl=%2Fpairs", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, newToken.StatusCode);
        Assert.Equal(Enrolment, await ProblemTitleAsync(newToken));
        Assert.Equal(HttpStatusCode.OK, byCookieAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byTokenAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pageAfter.StatusCode);
    }

    [Fact]
    public async Task Api_RoleNotRequired_ReachesEverythingWithoutTwoFactor()
    {
        await portal.EnsureAdminAsync();
        await RequireTwoFactorForOperatorsAsync();
        var (name, id) = await CreateUserAsync(Roles.Viewer);
        using var token = await TokenClientAsync(id, name);
        using var cookie = await CookieClientAsync(name);

        var byCookie = await cookie.GetAsync("/api/v1/hypervisors");
        var byToken = await token.GetAsync("/api/v1/hypervisors");
        var page = await cookie.GetAsync("/pairs");

        Assert.Equal(HttpStatusCode.OK, byCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task ResetTwoFactor_ByAdminApi_ClearsEnrolmentIsAuditedAndClosesTheApiAgain()
    {
        await portal.EnsureAdminAsync();
        await RequireTwoFactorForOperatorsAsync();
        var (name, id) = await CreateUserAsync(Roles.Operator);
        await TwoFactorEnrolment.EnrolAsync(portal.Services, name);
        using var token = await TokenClientAsync(id, name);
        using var admin = await portal.CreateAdminClientAsync();
        var before = await token.GetAsync("/api/v1/hypervisors");

        var reset = await admin.DeleteAsync($"/api/v1/users/{id}/two-factor");
        var again = await admin.DeleteAsync($"/api/v1/users/{id}/two-factor");
        var after = await token.GetAsync("/api/v1/hypervisors");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False((await portal.Services.GetRequiredService<ITwoFactorAccounts>().GetStatusAsync(id, CancellationToken.None)).IsEnabled);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal(Enrolment, await ProblemTitleAsync(after));
        var audit = await portal.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Search: "two-factor-reset"), CancellationToken.None);
        var entry = Assert.Single(audit.Items, e => (e.Summary ?? "").Contains(name, StringComparison.Ordinal));
        Assert.Equal(PortalFactory.AdminName, entry.Actor);
    }

    [Fact]
    public async Task ResetTwoFactor_ByNonAdmin_IsForbiddenAndChangesNothing()
    {
        await portal.EnsureAdminAsync();
        var (name, id) = await CreateUserAsync(Roles.Viewer);
        await TwoFactorEnrolment.EnrolAsync(portal.Services, name);
        using var viewer = await TokenClientAsync(id, name);

        var reset = await viewer.DeleteAsync($"/api/v1/users/{id}/two-factor");

        Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);
        Assert.True((await portal.Services.GetRequiredService<ITwoFactorAccounts>().GetStatusAsync(id, CancellationToken.None)).IsEnabled);
    }

    [Fact]
    public async Task Logout_PostWithoutAntiforgeryToken_IsRefusedAndTheSessionLives()
    {
        await portal.EnsureAdminAsync();
        var (name, _) = await CreateUserAsync(Roles.Viewer);
        using var cookie = await CookieClientAsync(name);

        var forged = await cookie.PostAsync("/logout", new FormUrlEncodedContent([]));
        var stillIn = await cookie.GetAsync("/api/v1/auth/tokens");
        var real = await LoginForm.LogOutAsync(cookie);
        var signedOut = await cookie.GetAsync("/api/v1/auth/tokens");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("/login", real.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, signedOut.StatusCode);
    }
}
