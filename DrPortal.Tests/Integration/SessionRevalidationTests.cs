using System.Net.Http.Json;
using System.Reflection;
using System.Security.Claims;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Open pages re-check their user: a disabled account or a changed role ends the session there too.</summary>
public class SessionRevalidationTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var validate = provider.GetType().GetMethod("ValidateAuthenticationStateAsync", BindingFlags.NonPublic | BindingFlags.Instance)!;
        return await (Task<bool>)validate.Invoke(provider, [new AuthenticationState(principal), CancellationToken.None])!;
    }

    private async Task<(string Id, ClaimsPrincipal Principal)> SignedInUserAsync(HttpClient admin, string role)
    {
        var name = $"s{Guid.NewGuid():N}"[..12];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role));
        var user = (await created.Content.ReadFromJsonAsync<UserDto>(Json.Options))!;
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>();
        return (user.Id, await factory.CreateAsync((await users.FindByIdAsync(user.Id))!));
    }

    [Fact]
    public async Task DisablingAUser_InvalidatesTheirOpenSession()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var (id, principal) = await SignedInUserAsync(admin, Roles.Operator);
        Assert.True(await IsStillValidAsync(principal));

        await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Operator, true));

        Assert.False(await IsStillValidAsync(principal));
    }

    [Fact]
    public async Task ChangingARole_InvalidatesTheOpenSession_SoTheNewRoleApplies()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var (id, principal) = await SignedInUserAsync(admin, Roles.Operator);

        await admin.PutAsJsonAsync($"/api/v1/users/{id}", new UpdateUserRequest(Roles.Viewer, false));

        Assert.False(await IsStillValidAsync(principal));
    }
}
