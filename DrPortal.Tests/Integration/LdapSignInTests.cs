using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DrPortal.Core.Accounts;
using DrPortal.Infrastructure.Accounts.Directory;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Directory sign-in against a real slapd: group → role at every sign-in, refusals in the words of a wrong password.</summary>
public class LdapSignInTests(LdapPortal portal) : IClassFixture<LdapPortal>
{
    private const string Password = "directory-secret-42";
    private const string Refusal = "User name or password is wrong";

    private static string NewUid() => $"d{Guid.NewGuid():N}"[..12];

    private async Task<PortalUser?> ShadowAsync(string uid)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByNameAsync(uid);
    }

    private async Task<IList<string>> RolesAsync(string uid)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.GetRolesAsync((await users.FindByNameAsync(uid))!);
    }

    [Fact]
    public async Task LoginPage_DirectoryOperator_SignsInAsLinkedOperatorWithoutLocalPassword()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);

        using var login = await portal.SignInOnLoginPageAsync(uid, Password);

        Assert.True(login.SignedIn, login.Body);
        Assert.Equal([Roles.Operator], await RolesAsync(uid));
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var shadow = (await users.FindByNameAsync(uid))!;
        Assert.Null(shadow.PasswordHash);
        var link = Assert.Single(await users.GetLoginsAsync(shadow));
        Assert.Equal(PortalUserManager.LoginProvider, link.LoginProvider);
        Assert.True(Guid.TryParse(link.ProviderKey, out _), $"The link should be the entryUUID, was {link.ProviderKey}");
        // The cookie carries Operator: the admin-only Users page is refused.
        var users403 = await login.Client.GetAsync("/users");
        Assert.Equal(HttpStatusCode.Redirect, users403.StatusCode);
        Assert.Contains("access-denied", users403.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_MovedToAdminsGroup_IsAdminAtNextSignIn()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);
        using (var first = await portal.SignInOnLoginPageAsync(uid, Password))
        {
            Assert.True(first.SignedIn, first.Body);
        }

        await portal.Ldap.SetGroupsAsync(uid, Slapd.AdminsGroup, Slapd.ViewersGroup);
        using var second = await portal.SignInOnLoginPageAsync(uid, Password);

        Assert.True(second.SignedIn, second.Body);
        Assert.Equal([Roles.Admin], await RolesAsync(uid));
        Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/users")).StatusCode);
    }

    [Fact]
    public async Task LoginPage_RemovedFromAllMappedGroups_IsRefusedLikeAWrongPassword()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);
        using (var first = await portal.SignInOnLoginPageAsync(uid, Password))
        {
            Assert.True(first.SignedIn, first.Body);
        }
        using var script = await portal.CreateClientForAsync(uid, Password);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await script.GetAsync("/api/v1/hypervisors")).StatusCode);

        await portal.Ldap.SetGroupsAsync(uid, Slapd.StaffGroup);
        using var refused = await portal.SignInOnLoginPageAsync(uid, Password);

        Assert.False(refused.SignedIn);
        Assert.Contains(Refusal, refused.Body, StringComparison.Ordinal);
        Assert.Empty(await RolesAsync(uid));
        // A token made while they had a role carries no rights once the role is gone.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/hypervisors")).StatusCode);
    }

    [Fact]
    public async Task LoginPage_InNoMappedGroup_IsRefusedAndGetsNoAccount()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.StaffGroup);

        using var refused = await portal.SignInOnLoginPageAsync(uid, Password);

        Assert.False(refused.SignedIn);
        Assert.Contains(Refusal, refused.Body, StringComparison.Ordinal);
        Assert.Null(await ShadowAsync(uid));
    }

    [Fact]
    public async Task LoginPage_WrongPassword_IsRefusedAndThrottledLikeALocalOne()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);

        for (var i = 0; i < Infrastructure.Accounts.SignInThrottle.FreeFailuresPerAccountAndAddress; i++)
        {
            using var refused = await portal.SignInOnLoginPageAsync(uid, Password + "x");
            Assert.False(refused.SignedIn);
            Assert.Contains(Refusal, refused.Body, StringComparison.Ordinal);
        }
        // The guesser is now slowed down: even the right password waits out the back-off.
        using var throttled = await portal.SignInOnLoginPageAsync(uid, Password);
        Assert.False(throttled.SignedIn);
        Assert.Contains("Too many attempts", throttled.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_EmptyPasswordBind_SucceedsThere_ButThePortalRefusesIt()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.AdminsGroup);
        using (var first = await portal.SignInOnLoginPageAsync(uid, Password))
        {
            Assert.True(first.SignedIn, first.Body);
        }
        // The test directory, like many, takes a DN with an empty password as an anonymous bind that "succeeds".
        using (var raw = new System.DirectoryServices.Protocols.LdapConnection(new System.DirectoryServices.Protocols.LdapDirectoryIdentifier("127.0.0.1", portal.Ldap.Port)))
        {
            raw.AuthType = System.DirectoryServices.Protocols.AuthType.Basic;
            raw.SessionOptions.ProtocolVersion = 3;
            raw.Bind(new NetworkCredential(Slapd.UserDn(uid), ""));
        }
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var shadow = (await users.FindByNameAsync(uid))!;

        Assert.False(await users.CheckPasswordAsync(shadow, ""));
        Assert.False(await users.CheckPasswordAsync(shadow, "\0" + Password));
        using var viaApi = portal.CreateClient();
        var token = await viaApi.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(uid, "", "empty"));
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        using var viaPage = await portal.SignInOnLoginPageAsync(uid, "");
        Assert.False(viaPage.SignedIn);
    }

    [Theory]
    [InlineData("*)(uid=*")]
    [InlineData("*")]
    [InlineData("d*")]
    public async Task LoginPage_NameWithFilterMetacharacters_MatchesNobody(string name)
    {
        await portal.EnsureAdminAsync();
        await portal.Ldap.AddUserAsync(NewUid(), Password, Slapd.AdminsGroup);
        var directory = portal.Services.GetRequiredService<LdapDirectory>();

        using var refused = await portal.SignInOnLoginPageAsync(name, Password);

        Assert.False(refused.SignedIn);
        Assert.Null(await directory.FindUserAsync(name, CancellationToken.None));
        Assert.Null(await ShadowAsync(name));
    }

    [Fact]
    public async Task TokenCreation_DirectoryUser_GetsAWorkingToken()
    {
        await portal.EnsureAdminAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.ViewersGroup);
        using var client = portal.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(uid, Password, "automation"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<TokenCreated>(Json.Options))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/tokens")).StatusCode);
        Assert.Equal([Roles.Viewer], await RolesAsync(uid));
        var wrong = await client.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(uid, "not-the-password", "again"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task PasswordReset_DirectoryUser_IsRefusedNamingThePassword()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);
        using (var first = await portal.SignInOnLoginPageAsync(uid, Password))
        {
            Assert.True(first.SignedIn, first.Body);
        }

        var reset = await admin.PostAsJsonAsync($"/api/v1/users/{(await ShadowAsync(uid))!.Id}/password", new PasswordRequest("a-local-password-123"));

        Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
        Assert.Contains("directory", await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await ShadowAsync(uid))!.PasswordHash);
    }

    [Fact]
    public async Task LoginPage_LocalUserOfTheSameName_SignsInLocallyFirst()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var uid = NewUid();
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.AdminsGroup);
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(uid, "the-local-password", Roles.Viewer))).EnsureSuccessStatusCode();

        using var directoryPassword = await portal.SignInOnLoginPageAsync(uid, Password);
        using var localPassword = await portal.SignInOnLoginPageAsync(uid, "the-local-password");

        Assert.False(directoryPassword.SignedIn);
        Assert.True(localPassword.SignedIn, localPassword.Body);
        Assert.Equal([Roles.Viewer], await RolesAsync(uid));
    }
}
