using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Accounts;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>
/// Issue 14, "Session policy" and finding 10: browser sessions live in MariaDB, end on the policy's idle timeout and
/// absolute lifetime, can be ended one by one, everywhere else or by an admin, and an ended session is refused at once.
/// </summary>
public class UserSessionTests(ClockedPortalFactory portal) : IClassFixture<ClockedPortalFactory>
{
    private static readonly SecurityPolicy Policy = SecurityPolicy.Default;

    private async Task<(string Name, string Id)> CreateUserAsync(string role = Roles.Operator)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"u{Guid.NewGuid():N}"[..12];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (name, (await created.Content.ReadFromJsonAsync<UserDto>(Json.Options))!.Id);
    }

    /// <summary>A browser: it signs in on the login page and keeps the cookie.</summary>
    private async Task<HttpClient> BrowserAsync(string name)
    {
        var client = portal.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        var login = await LoginForm.PostAsync(client, name, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    private static async Task<List<SessionSummary>> SessionsOfAsync(HttpClient browser) =>
        (await browser.GetFromJsonAsync<List<SessionSummary>>("/api/v1/account/sessions", Json.Options))!;

    private async Task<List<UserSession>> RowsOfAsync(string userId)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        return await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync();
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient browser, string path) => (await browser.GetAsync(path)).StatusCode;

    [Fact]
    public async Task SignIn_StoresTheSessionRow_WithTheTicketProtectedNotInClear()
    {
        var (name, id) = await CreateUserAsync();

        using var browser = await BrowserAsync(name);

        var row = Assert.Single(await RowsOfAsync(id));
        Assert.Equal("Chrome 131 on Linux", row.Browser);
        Assert.True(row.ExpiresAt - row.CreatedAt == Policy.SessionAbsoluteLifetime, $"expires {row.ExpiresAt}, created {row.CreatedAt}");
        string stamp;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            stamp = (await users.GetSecurityStampAsync((await users.FindByIdAsync(id))!))!;
        }
        var stored = Encoding.UTF8.GetString(row.ProtectedTicket);
        Assert.DoesNotContain(name, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(id, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(stamp, stored, StringComparison.Ordinal);
        var listed = Assert.Single(await SessionsOfAsync(browser));
        Assert.True(listed.IsCurrent);
        Assert.Equal(row.Id, listed.Id);
    }

    [Fact]
    public async Task IdleTimeout_Passed_RefusesTheCookie_AndPurgesTheRow()
    {
        var (name, id) = await CreateUserAsync();
        using var browser = await BrowserAsync(name);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "/api/v1/account/sessions"));

        portal.Clock.Advance(Policy.SessionIdleTimeout - TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "/api/v1/account/sessions"));
        portal.Clock.Advance(Policy.SessionIdleTimeout + TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(browser, "/api/v1/account/sessions"));
        Assert.Empty(await RowsOfAsync(id));
    }

    [Fact]
    public async Task AbsoluteLifetime_Passed_RefusesABusySession_ThatActivityNeverExtends()
    {
        var (name, id) = await CreateUserAsync();
        using var browser = await BrowserAsync(name);
        var step = Policy.SessionIdleTimeout - TimeSpan.FromMinutes(10);
        var used = TimeSpan.Zero;

        // Used well within every idle timeout, right up to the end of its lifetime.
        while (used + step < Policy.SessionAbsoluteLifetime)
        {
            portal.Clock.Advance(step);
            used += step;
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "/api/v1/account/sessions"));
        }
        portal.Clock.Advance(Policy.SessionAbsoluteLifetime - used + TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(browser, "/api/v1/account/sessions"));
        var page = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Empty(await RowsOfAsync(id));
    }

    [Fact]
    public async Task SignOutEverywhereElse_EndsTheOtherSession_KeepsThisOne_AndIsAudited()
    {
        var (name, id) = await CreateUserAsync();
        using var here = await BrowserAsync(name);
        using var elsewhere = await BrowserAsync(name);
        var current = (await SessionsOfAsync(here)).Single(s => s.IsCurrent);

        var ended = await portal.Services.GetRequiredService<IUserSessions>().EndOthersAsync(id, current.Id, name, CancellationToken.None);

        Assert.Equal(1, ended);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(elsewhere, "/api/v1/account/sessions"));
        var page = await elsewhere.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(current.Id, Assert.Single(await SessionsOfAsync(here)).Id);
        using var admin = await portal.CreateAdminClientAsync();
        Assert.Contains($"{name} signed out everywhere else: 1 other session(s) ended", await admin.GetStringAsync($"/api/v1/audit?search={name}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteOwnSession_ThroughTheApi_EndsThatSessionOnly()
    {
        var (name, _) = await CreateUserAsync();
        using var here = await BrowserAsync(name);
        using var elsewhere = await BrowserAsync(name);
        var other = (await SessionsOfAsync(here)).Single(s => !s.IsCurrent);
        var antiforgery = (await here.GetFromJsonAsync<AntiforgeryToken>("/api/v1/auth/antiforgery", Json.Options))!;
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/account/sessions/{other.Id}");
        delete.Headers.Add(antiforgery.HeaderName, antiforgery.Token);

        Assert.Equal(HttpStatusCode.OK, (await here.SendAsync(delete)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(elsewhere, "/api/v1/account/sessions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(here, "/api/v1/account/sessions"));
    }

    [Fact]
    public async Task DeleteSession_OfAnotherUser_IsNotFound_AndEndsNothing()
    {
        var (victim, _) = await CreateUserAsync();
        using var victimBrowser = await BrowserAsync(victim);
        var victimSession = Assert.Single(await SessionsOfAsync(victimBrowser));
        using var other = await portal.CreateClientInRoleAsync(Roles.Operator);

        var response = await other.DeleteAsync($"/api/v1/account/sessions/{victimSession.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(victimBrowser, "/api/v1/account/sessions"));
    }

    [Fact]
    public async Task AdminEndsAllSessionsOfAUser_TheirCookiesAreRefused_AndItIsAudited()
    {
        var (name, id) = await CreateUserAsync();
        using var first = await BrowserAsync(name);
        using var second = await BrowserAsync(name);
        using var admin = await portal.CreateAdminClientAsync();

        var response = await admin.DeleteAsync($"/api/v1/users/{id}/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<SessionsEnded>(Json.Options))!.Ended);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(first, "/api/v1/account/sessions"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(second, "/api/v1/account/sessions"));
        Assert.Contains($"Ended all 2 session(s) of {name}", await admin.GetStringAsync($"/api/v1/audit?search={name}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/users/no-such-user/sessions")).StatusCode);
    }

    [Fact]
    public async Task EndAllSessions_AsANonAdmin_IsForbidden()
    {
        var (name, id) = await CreateUserAsync();
        using var browser = await BrowserAsync(name);
        using var operatorClient = await portal.CreateClientInRoleAsync(Roles.Operator);

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync($"/api/v1/users/{id}/sessions")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(browser, "/api/v1/account/sessions"));
    }

    [Fact]
    public async Task ChangeOwnPassword_EndsTheOtherSessions_AndKeepsTheOneThatChangedIt_WithTheNewStamp()
    {
        var (name, id) = await CreateUserAsync();
        using var here = await BrowserAsync(name);
        using var elsewhere = await BrowserAsync(name);
        var current = (await SessionsOfAsync(here)).Single(s => s.IsCurrent);

        var changed = await portal.Services.GetRequiredService<IUserAccounts>()
            .ChangeOwnPasswordAsync(id, PortalFactory.AdminPassword, "a-new-long-passphrase-7", current.Id, CancellationToken.None);

        Assert.True(changed.IsOk, changed.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(elsewhere, "/api/v1/account/sessions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(here, "/api/v1/account/sessions"));
        // The kept session carries the new security stamp, so Identity's periodic stamp check does not end it either.
        var ticket = await portal.Services.GetRequiredService<UserSessionStore>().RetrieveAsync(current.Id, CancellationToken.None);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var stampType = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        Assert.Equal(await users.GetSecurityStampAsync((await users.FindByIdAsync(id))!), ticket!.Principal.FindFirstValue(stampType));
    }

    [Fact]
    public async Task PasswordResetByAnAdmin_EndsEverySessionOfTheUser()
    {
        var (name, id) = await CreateUserAsync();
        using var browser = await BrowserAsync(name);
        using var admin = await portal.CreateAdminClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/users/{id}/password", new PasswordRequest("another-Strong-pass-42"))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(browser, "/api/v1/account/sessions"));
        Assert.Empty(await RowsOfAsync(id));
    }

    [Fact]
    public async Task DisablingAUser_SignsOutTheirOpenPage_AtOnce_NotAfterTheRevalidationInterval()
    {
        var (name, id) = await CreateUserAsync();
        using var browser = await BrowserAsync(name);
        var session = Assert.Single(await SessionsOfAsync(browser));
        await using var circuit = portal.Services.CreateAsyncScope();
        var provider = (ServerAuthenticationStateProvider)circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name), new Claim(UserSession.ClaimType, session.Id)], "Identity.Application");
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity))));
        using var admin = await portal.CreateAdminClientAsync();

        await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Operator, true));

        // The periodic check runs once a minute; the revocation is seen within seconds.
        await Poll.UntilAsync(async () => (await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated != true,
            "the open page was still signed in 5 s after the user was disabled", TimeSpan.FromSeconds(5));
    }
}
