using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace DrPortal.Tests.Integration;

public class TwoFactorApiTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<string> CreateUserAsync(string role = Roles.Operator)
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"tf{Guid.NewGuid():N}"[..12];
        (await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, role))).EnsureSuccessStatusCode();
        return name;
    }

    private async Task<HttpResponseMessage> CreateTokenAsync(string name, string? code)
    {
        using var anon = portal.CreateClient();
        return await anon.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, PortalFactory.AdminPassword, $"t{Guid.NewGuid():N}"[..10], code));
    }

    [Fact]
    public async Task CreateToken_TwoFactorUserWithoutCode_Is401NamingTheCodeField()
    {
        var name = await CreateUserAsync();
        var (key, _) = await TwoFactorEnrolment.EnrolAsync(portal.Services, name);

        var missing = await CreateTokenAsync(name, null);
        var wrong = await CreateTokenAsync(name, TwoFactorEnrolment.WrongCode(key));
        var right = await CreateTokenAsync(name, TwoFactorEnrolment.CurrentCode(key));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
        Assert.Equal("Two-factor code required", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("'code'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("code", problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task CreateToken_RecoveryCode_WorksOnceOnly()
    {
        var name = await CreateUserAsync();
        var (_, codes) = await TwoFactorEnrolment.EnrolAsync(portal.Services, name);

        var first = await CreateTokenAsync(name, codes[0]);
        var again = await CreateTokenAsync(name, codes[0]);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        var status = await portal.Services.GetRequiredService<ITwoFactorAccounts>()
            .GetStatusAsync(await TwoFactorEnrolment.UserIdAsync(portal.Services, name), CancellationToken.None);
        Assert.Equal(9, status.RecoveryCodesLeft);
    }

    [Fact]
    public async Task CreateToken_UserWithoutTwoFactor_NeedsNoCode()
    {
        var name = await CreateUserAsync(Roles.Viewer);

        var response = await CreateTokenAsync(name, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Reset_ByAdmin_TurnsTwoFactorOffAndIsAudited()
    {
        var name = await CreateUserAsync();
        await TwoFactorEnrolment.EnrolAsync(portal.Services, name);
        var twoFactor = portal.Services.GetRequiredService<ITwoFactorAccounts>();
        var id = await TwoFactorEnrolment.UserIdAsync(portal.Services, name);

        var reset = await twoFactor.ResetAsync(id, PortalFactory.AdminName, CancellationToken.None);

        Assert.True(reset.IsOk);
        Assert.False((await twoFactor.GetStatusAsync(id, CancellationToken.None)).IsEnabled);
        Assert.DoesNotContain(id, await twoFactor.EnabledUserIdsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await CreateTokenAsync(name, null)).StatusCode);
        var audit = await portal.Services.GetRequiredService<Core.Audit.IAuditLog>().QueryAsync(new Core.Audit.AuditQuery(Search: "two-factor-reset"), CancellationToken.None);
        Assert.Contains(audit.Items, e => e.Actor == PortalFactory.AdminName && (e.Summary ?? "").Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enrol_SecretsInDatabase_AreNotInClear()
    {
        var name = await CreateUserAsync();
        var (key, codes) = await TwoFactorEnrolment.EnrolAsync(portal.Services, name);
        var id = await TwoFactorEnrolment.UserIdAsync(portal.Services, name);

        var stored = new List<string>();
        await using (var db = new MySqlConnection(portal.ConnectionString))
        {
            await db.OpenAsync();
            await using var command = new MySqlCommand("SELECT Value FROM AspNetUserTokens WHERE UserId = @id", db);
            command.Parameters.AddWithValue("@id", id);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        Assert.Equal(2, stored.Count);
        Assert.All(stored, v => Assert.DoesNotContain(key, v, StringComparison.OrdinalIgnoreCase));
        Assert.All(stored, v => Assert.All(codes, c => Assert.DoesNotContain(c, v, StringComparison.OrdinalIgnoreCase)));
    }
}
