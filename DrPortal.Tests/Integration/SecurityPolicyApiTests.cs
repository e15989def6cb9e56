using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

/// <summary>The security policy in MariaDB: admins read and change it, bad values are refused by field, and it governs new tokens only.</summary>
public class SecurityPolicyApiTests : IClassFixture<PortalFactory>
{
    private const string Url = "/api/v1/settings/security";
    private readonly PortalFactory _portal;

    public SecurityPolicyApiTests(PortalFactory portal) => _portal = portal;

    [Fact]
    public async Task Put_InvalidValues_Is400NamingEachField_AndChangesNothing()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var before = await admin.GetStringAsync(Url);

        var response = await admin.PutAsJsonAsync(Url, new SecurityPolicyDto(400, 2000, ["Admin", "Root"], 600, 5));
        var missing = await admin.PutAsJsonAsync(Url, new { tokenMaximumLifetimeDays = 30 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("5 years", errors.GetProperty("tokenMaximumLifetimeDays")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'Root'", errors.GetProperty("twoFactorRequiredRoles")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("session lifetime", errors.GetProperty("sessionIdleTimeoutMinutes")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var missingErrors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(missingErrors.TryGetProperty("tokenDefaultLifetimeDays", out _));
        Assert.True(missingErrors.TryGetProperty("twoFactorRequiredRoles", out _));
        Assert.Equal(before, await admin.GetStringAsync(Url));
    }

    [Fact]
    public async Task Put_DefaultLongerThanMaximum_Is400NamingTheDefault()
    {
        using var admin = await _portal.CreateAdminClientAsync();

        var response = await admin.PutAsJsonAsync(Url, new SecurityPolicyDto(100, 30, [], 60, 24));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("not be longer than the maximum", errors.GetProperty("tokenDefaultLifetimeDays")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndPut_ByAnOperator_Are403()
    {
        using var operatorClient = await _portal.CreateClientInRoleAsync(Roles.Operator);

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync(Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PutAsJsonAsync(Url, SecurityPolicyDto.From(SecurityPolicy.Default))).StatusCode);
    }

    [Fact]
    public async Task Put_LowerMaximum_IsStoredAndAudited_RefusesLongerNewTokens_ButKeepsExistingExpiries()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        using var anon = _portal.CreateClient();
        var longLived = await (await anon.PostAsJsonAsync("/api/v1/auth/tokens",
            new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, "long-lived", null, null, 300))).Content.ReadFromJsonAsync<TokenCreated>(Json.Options);
        try
        {
            var put = await admin.PutAsJsonAsync(Url, new SecurityPolicyDto(7, 30, [Roles.Viewer], 30, 12));
            var stored = await admin.GetFromJsonAsync<SecurityPolicyDto>(Url, Json.Options);
            var tooLong = await anon.PostAsJsonAsync("/api/v1/auth/tokens",
                new CreateTokenRequest(PortalFactory.AdminName, PortalFactory.AdminPassword, "too-long", null, null, 31));

            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal((7, 30, 30, 12), (stored!.TokenDefaultLifetimeDays, stored.TokenMaximumLifetimeDays, stored.SessionIdleTimeoutMinutes, stored.SessionAbsoluteLifetimeHours));
            Assert.Equal([Roles.Viewer], stored.TwoFactorRequiredRoles);
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Contains("at most 30 days", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var kept = (await admin.GetFromJsonAsync<List<ApiTokenDto>>("/api/v1/tokens", Json.Options))!.Single(t => t.Id == longLived!.Id);
            Assert.Equal(longLived!.ExpiresAt, kept.ExpiresAt);
            using var stillWorks = _portal.CreateClient();
            stillWorks.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", longLived.Token);
            Assert.Equal(HttpStatusCode.OK, (await stillWorks.GetAsync("/api/v1/pairs")).StatusCode);
            var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?type=SecurityPolicy", Json.Options);
            var entry = audit.GetProperty("items")[0];
            Assert.Contains("365.00:00:00", entry.GetProperty("before").GetString(), StringComparison.Ordinal);
            Assert.Contains("30.00:00:00", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            // The fixture's other tests expect the default lifetimes.
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(Url, SecurityPolicyDto.From(SecurityPolicy.Default))).StatusCode);
        }
    }
}
