using System.Net;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

/// <summary>
/// The API's defence against cross-site request forgery (issue 14, finding 1): a browser signed in with the cookie can be
/// made to send a form post or a body-less POST from any page of the same site (another port of the same host, a
/// sibling subdomain), so such calls need the antiforgery header and a JSON body; bearer-token calls do not.
/// </summary>
public class CsrfTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> SignedInBrowserAsync()
    {
        await portal.EnsureAdminAsync();
        var client = portal.CreateClient(new() { AllowAutoRedirect = false });
        var login = await LoginForm.PostAsync(client, PortalFactory.AdminName, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    private async Task<bool> UserExistsAsync(string name)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var users = await admin.GetFromJsonAsync<List<UserDto>>("/api/v1/users", Json.Options);
        return users!.Any(u => u.UserName == name);
    }

    private static async Task AssertForbiddenProblemAsync(HttpResponseMessage response, string expected)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormPostWithTheCookie_AsAnotherPageWouldSendIt_IsRefused_AndCreatesNothing()
    {
        using var browser = await SignedInBrowserAsync();
        var name = $"csrf-{Guid.NewGuid():N}"[..14];

        // Exactly what an auto-submitting <form method=post> on http://127.0.0.1:5099 sends: the cookie, a form body, no custom header.
        var forged = await browser.PostAsync("/api/v1/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = name,
            ["password"] = PortalFactory.AdminPassword,
            ["role"] = Roles.Admin,
        }));

        await AssertForbiddenProblemAsync(forged, "JSON body");
        Assert.False(await UserExistsAsync(name));
    }

    [Fact]
    public async Task ABodylessPostWithTheCookie_IsRefusedWithoutTheHeader()
    {
        using var browser = await SignedInBrowserAsync();
        using var admin = await portal.CreateAdminClientAsync();
        var token = await (await admin.PostAsJsonAsync("/api/v1/auth/tokens",
            new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, "kept"))).Content.ReadFromJsonAsync<TokenCreated>(Json.Options);

        var forged = await browser.DeleteAsync($"/api/v1/auth/tokens/{token!.Id}");

        await AssertForbiddenProblemAsync(forged, ApiCsrf.HeaderName);
        var tokens = await admin.GetFromJsonAsync<List<ApiTokenSummary>>("/api/v1/auth/tokens", Json.Options);
        Assert.Contains(tokens!, t => t.Id == token.Id);
    }

    [Fact]
    public async Task AJsonCallWithTheCookie_NeedsTheSessionsToken_AndPassesWithIt()
    {
        using var browser = await SignedInBrowserAsync();
        var name = $"csrf-{Guid.NewGuid():N}"[..14];
        var body = new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Viewer);

        await AssertForbiddenProblemAsync(await browser.PostAsJsonAsync("/api/v1/users", body), ApiCsrf.HeaderName);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(body) };
        wrong.Headers.Add(ApiCsrf.HeaderName, "not-a-token");
        await AssertForbiddenProblemAsync(await browser.SendAsync(wrong), "does not hold");
        Assert.False(await UserExistsAsync(name));

        var antiforgery = await browser.GetFromJsonAsync<AntiforgeryToken>("/api/v1/auth/antiforgery", Json.Options);
        Assert.Equal(ApiCsrf.HeaderName, antiforgery!.HeaderName);
        using var right = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(body) };
        right.Headers.Add(ApiCsrf.HeaderName, antiforgery.Token);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(right)).StatusCode);
        Assert.True(await UserExistsAsync(name));
    }

    [Fact]
    public async Task ABearerTokenCall_NeedsNoAntiforgeryHeader()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"csrf-{Guid.NewGuid():N}"[..14];

        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Viewer));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task TheAntiforgeryToken_IsOnlyForASignedInSession()
    {
        await portal.EnsureAdminAsync();
        using var anonymous = portal.CreateClient(new() { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/auth/antiforgery")).StatusCode);
    }
}
