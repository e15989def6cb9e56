using System.Net;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>
/// A directory user whose mapped role requires two-factor sign-in is held at enrolment like a local one (a real slapd;
/// its own portal, so the policy set here reaches no other test).
/// </summary>
public class LdapTwoFactorPolicyTests(LdapPortal portal) : IClassFixture<LdapPortal>
{
    private const string Password = "directory-secret-42";

    [Fact]
    public async Task LoginPage_DirectoryOperatorWithoutTwoFactor_IsHeldAtEnrolmentUntilEnrolled()
    {
        await portal.EnsureAdminAsync();
        var store = portal.Services.GetRequiredService<ISecurityPolicyStore>();
        await store.SaveAsync((await store.GetAsync(CancellationToken.None)) with { TwoFactorRequiredRoles = [Roles.Operator] }, PortalFactory.AdminName, CancellationToken.None);
        var uid = $"d{Guid.NewGuid():N}"[..12];
        await portal.Ldap.AddUserAsync(uid, Password, Slapd.OperatorsGroup);

        using var login = await portal.SignInOnLoginPageAsync(uid, Password);
        var page = await login.Client.GetAsync("/");
        var api = await login.Client.GetAsync("/api/v1/hypervisors");
        await TwoFactorEnrolment.EnrolAsync(portal.Services, uid);
        var apiAfter = await login.Client.GetAsync("/api/v1/hypervisors");

        Assert.True(login.SignedIn, login.Body);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login/2fa/enrol", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal("Two-factor enrolment required", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, apiAfter.StatusCode);
    }
}
