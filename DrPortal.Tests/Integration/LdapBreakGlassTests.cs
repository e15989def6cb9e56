using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

/// <summary>With the directory down, local accounts still sign in (break-glass) and directory users are refused, not failed.</summary>
public class LdapBreakGlassTests(LdapPortal portal) : IClassFixture<LdapPortal>
{
    [Fact]
    public async Task SlapdStopped_LocalAdminStillSignsIn_DirectoryUserIsRefused()
    {
        await portal.EnsureAdminAsync();
        await portal.Ldap.AddUserAsync("dirop", "directory-secret-42", Slapd.OperatorsGroup);
        using (var before = await portal.SignInOnLoginPageAsync("dirop", "directory-secret-42"))
        {
            Assert.True(before.SignedIn, before.Body);
        }

        await portal.Ldap.StopAsync();
        Assert.False(portal.Ldap.IsRunning);

        using var local = await portal.SignInOnLoginPageAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        Assert.True(local.SignedIn, local.Body);
        using var client = portal.CreateClient();
        var token = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, "break-glass"));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var directory = await portal.SignInOnLoginPageAsync("dirop", "directory-secret-42");
        Assert.False(directory.SignedIn);
        Assert.Contains("User name or password is wrong", directory.Body, StringComparison.Ordinal);
        using var unknown = await portal.SignInOnLoginPageAsync("nobody-here", "directory-secret-42");
        Assert.False(unknown.SignedIn);
    }
}
