using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Infrastructure.Accounts;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>
/// Issue 14, WebAuthn: the security_keys table in MariaDB, the signature-counter rule as the store applies it (a clone
/// with a lower counter is refused and nothing changes), and the bounds of the ceremonies' state. The ceremonies
/// themselves run in Chromium with a virtual authenticator (SecurityKeyBrowserTests).
/// </summary>
public class SecurityKeyStoreTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static readonly RelyingParty Party = new("localhost", "http://localhost:5000");

    private SecurityKeys Keys => (SecurityKeys)portal.Services.GetRequiredService<ISecurityKeys>();

    private async Task<string> CreateUserAsync()
    {
        using var admin = await portal.CreateAdminClientAsync();
        var name = $"sk{Guid.NewGuid():N}"[..12];
        var created = await admin.PostAsJsonAsync("/api/v1/users", new CreateUserRequest(name, PortalFactory.AdminPassword, Roles.Operator));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await TwoFactorEnrolment.UserIdAsync(portal.Services, name);
    }

    private async Task<SecurityKey> AddKeyAsync(string userId, uint counter, string name = "YubiKey")
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var key = new SecurityKey
        {
            UserId = userId,
            CredentialId = Guid.NewGuid().ToByteArray(),
            PublicKey = [1, 2, 3],
            SignatureCounter = counter,
            Name = name,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.SecurityKeys.Add(key);
        await db.SaveChangesAsync();
        return key;
    }

    private async Task<SecurityKey> ReadAsync(int id)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        return await db.SecurityKeys.AsNoTracking().SingleAsync(k => k.Id == id);
    }

    [Fact]
    public async Task RecordUse_HigherCounter_SavesCounterAndLastUse()
    {
        var key = await AddKeyAsync(await CreateUserAsync(), counter: 7);

        var used = await Keys.RecordUseAsync(key.Id, stored: 7, presented: 8, CancellationToken.None);

        Assert.NotNull(used);
        Assert.NotNull(used.LastUsedAt);
        Assert.Equal(8u, (await ReadAsync(key.Id)).SignatureCounter);
    }

    [Theory]
    [InlineData(7u)]
    [InlineData(3u)]
    [InlineData(0u)]
    public async Task RecordUse_CounterNotGrowing_RefusedAndNothingChanges(uint presented)
    {
        var key = await AddKeyAsync(await CreateUserAsync(), counter: 7);

        var used = await Keys.RecordUseAsync(key.Id, stored: 7, presented, CancellationToken.None);

        Assert.Null(used);
        var row = await ReadAsync(key.Id);
        Assert.Equal(7u, row.SignatureCounter);
        Assert.Null(row.LastUsedAt);
    }

    [Fact]
    public async Task RecordUse_TwoUsesCheckedAgainstTheSameCounter_OnlyTheFirstPasses()
    {
        // Two sign-ins with one cloned credential, both verified against counter 7 before either saved.
        var key = await AddKeyAsync(await CreateUserAsync(), counter: 7);

        var first = await Keys.RecordUseAsync(key.Id, stored: 7, presented: 8, CancellationToken.None);
        var second = await Keys.RecordUseAsync(key.Id, stored: 7, presented: 9, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(8u, (await ReadAsync(key.Id)).SignatureCounter);
    }

    [Fact]
    public async Task CompleteSignIn_StateOfAnotherUser_RefusedNamingTheAssertion()
    {
        var alice = await CreateUserAsync();
        var bob = await CreateUserAsync();
        await AddKeyAsync(alice, 0);
        await AddKeyAsync(bob, 0);
        var aliceChallenge = (await Keys.BeginSignInAsync(alice, Party, CancellationToken.None)).Value!;

        var result = await Keys.CompleteSignInAsync(bob, aliceChallenge.State, "{}", Party, CancellationToken.None);

        Assert.Equal(ResultStatus.Invalid, result.Status);
        Assert.Contains("expired", result.Errors!.First("assertion"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteSignIn_UnreadableAnswer_RefusedNamingTheAssertion()
    {
        var alice = await CreateUserAsync();
        await AddKeyAsync(alice, 0);
        var challenge = (await Keys.BeginSignInAsync(alice, Party, CancellationToken.None)).Value!;

        var result = await Keys.CompleteSignInAsync(alice, challenge.State, "not json", Party, CancellationToken.None);

        Assert.Equal(ResultStatus.Invalid, result.Status);
        Assert.Contains("unreadable", result.Errors!.First("assertion"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginSignIn_NoKeys_Conflict()
    {
        var result = await Keys.BeginSignInAsync(await CreateUserAsync(), Party, CancellationToken.None);

        Assert.Equal(ResultStatus.Conflict, result.Status);
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("bad\u202Ename", "invisible")]
    public async Task CompleteRegistration_BadName_NamesTheFieldAndStoresNothing(string name, string expected)
    {
        var alice = await CreateUserAsync();
        var challenge = (await Keys.BeginRegistrationAsync(alice, Party, CancellationToken.None)).Value!;

        var result = await Keys.CompleteRegistrationAsync(alice, challenge.State, "{}", name, Party, CancellationToken.None);

        Assert.Contains(expected, result.Errors!.First("name"), StringComparison.Ordinal);
        Assert.Empty(await Keys.ListAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task Remove_AnotherUsersKey_NotFoundAndKept()
    {
        var alice = await CreateUserAsync();
        var bob = await CreateUserAsync();
        var key = await AddKeyAsync(alice, 0);

        var result = await Keys.RemoveAsync(bob, key.Id, CancellationToken.None);

        Assert.Equal(ResultStatus.NotFound, result.Status);
        Assert.Single(await Keys.ListAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task TokenCreation_KeyOnlyAccountWithPassword_RefusedAsTheApiCannotAskTheKey()
    {
        var alice = await CreateUserAsync();
        var name = await NameOfAsync(alice);
        await AddKeyAsync(alice, 0);
        using var anonymous = portal.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/tokens", new CreateTokenRequest(name, PortalFactory.AdminPassword, "script"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Security key required", problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Enrolment_RoleRequiresTwoFactor_ASecurityKeyCountsAsEnrolled()
    {
        await portal.EnsureAdminAsync();
        var store = portal.Services.GetRequiredService<ISecurityPolicyStore>();
        var policy = await store.GetAsync(CancellationToken.None);
        await store.SaveAsync(policy with { TwoFactorRequiredRoles = [Roles.Operator] }, PortalFactory.AdminName, CancellationToken.None);
        try
        {
            var alice = await CreateUserAsync();
            var token = await portal.Services.GetRequiredService<IUserAccounts>()
                .CreateTokenAsync(alice, new ApiTokenRequest("script"), await NameOfAsync(alice), CancellationToken.None);
            using var client = portal.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);

            var before = await client.GetAsync("/api/v1/hypervisors");
            await AddKeyAsync(alice, 0);
            var after = await client.GetAsync("/api/v1/hypervisors");

            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        finally
        {
            await store.SaveAsync(policy, PortalFactory.AdminName, CancellationToken.None);
        }
    }

    [Fact]
    public async Task AdminReset_KeyOnlyUser_RemovesTheKeysAndIsAudited()
    {
        var alice = await CreateUserAsync();
        await AddKeyAsync(alice, 0, "one");
        await AddKeyAsync(alice, 0, "two");
        using var admin = await portal.CreateAdminClientAsync();

        var reset = await admin.DeleteAsync($"/api/v1/users/{alice}/two-factor");
        var again = await admin.DeleteAsync($"/api/v1/users/{alice}/two-factor");

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Empty(await Keys.ListAsync(alice, CancellationToken.None));
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        var name = await NameOfAsync(alice);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "two-factor-reset" && a.EntityId == name && a.Summary!.Contains("2 security key(s)")));
    }

    private async Task<string> NameOfAsync(string userId)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();
        return (await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).SingleAsync())!;
    }
}
