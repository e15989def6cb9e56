using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Web.Components.Pages.Account;
using DrPortal.Web.Components.Pages.Settings;
using DrPortal.Web.Components.Pages.Tokens;

namespace DrPortal.Tests.Components;

public class SecurityPagesTests : PortalTestContext
{
    public SecurityPagesTests() => SignInAs(Roles.Admin, "boss");

    [Fact]
    public void SecurityPolicyPage_DefaultLongerThanMaximum_ShowsTheErrorOnTheDefaultField_AndSavesNothing()
    {
        RenderProviders();
        var page = Render<SecurityPolicyPage>();

        page.Find("[data-test=policy-token-default]").Change("100");
        page.Find("[data-test=policy-token-maximum]").Change("30");
        page.ClickWhenStable("[data-test=policy-save]");

        page.WaitForAssertion(() => Assert.Contains("not be longer than the maximum", Field(page, "policy-token-default").TextContent));
        Assert.Equal(0, PolicyStore.Saves);
        Assert.Equal(SecurityPolicy.Default, PolicyStore.Current);
    }

    [Fact]
    public void SecurityPolicyPage_ValidChange_SavesEveryFieldAndTheCheckedRoles()
    {
        RenderProviders();
        var page = Render<SecurityPolicyPage>();

        page.Find("[data-test=policy-token-default]").Change("14");
        page.Find("[data-test=policy-token-maximum]").Change("60");
        page.Find("[data-test=policy-session-idle]").Change("45");
        page.Find("[data-test=policy-session-absolute]").Change("10");
        page.Find("[data-test=policy-2fa-admin]").Change(true);
        page.ClickWhenStable("[data-test=policy-save]");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=policy-saved]")));
        var saved = PolicyStore.Current;
        Assert.Equal(TimeSpan.FromDays(14), saved.TokenDefaultLifetime);
        Assert.Equal(TimeSpan.FromDays(60), saved.TokenMaximumLifetime);
        Assert.Equal(TimeSpan.FromMinutes(45), saved.SessionIdleTimeout);
        Assert.Equal(TimeSpan.FromHours(10), saved.SessionAbsoluteLifetime);
        Assert.Equal([Roles.Admin], saved.TwoFactorRequiredRoles);
    }

    [Fact]
    public void AccountPage_TokenList_ShowsScopeExpiryAndLastUse_AndMarksAnExpiredToken()
    {
        Accounts.Tokens.Add(new ApiTokenSummary(1, "nightly", "drp_abcd", ApiTokenScope.Operate, Clock.UtcNow.AddDays(-100), Clock.UtcNow.AddDays(-10), Clock.UtcNow.AddDays(-11), "boss"));
        Accounts.Tokens.Add(new ApiTokenSummary(2, "monitor", "drp_efgh", ApiTokenScope.ReadOnly, Clock.UtcNow.AddDays(-1), Clock.UtcNow.AddDays(89), null, "boss"));
        RenderProviders();

        var page = Render<AccountPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=token-row-scope]").Count));
        Assert.Equal(["operate", "read-only"], page.FindAll("[data-test=token-row-scope]").Select(e => e.TextContent.Trim()));
        var expires = page.FindAll("[data-test=token-row-expires]");
        Assert.Contains("expired", expires[0].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", expires[1].TextContent, StringComparison.Ordinal);
        Assert.Contains(Clock.UtcNow.AddDays(89).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), expires[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("never", page.FindAll("[data-test=token-row-last-used]")[1].TextContent.Trim());
    }

    [Fact]
    public void AccountPage_CreateToken_SendsTheChosenLifetimeAndTheWidestScopeByDefault()
    {
        var provider = RenderProviders();
        var page = Render<AccountPage>();

        page.Find("[data-test=token-name]").Change("deploy");
        page.Find("[data-test=token-lifetime]").Change("30");
        page.ClickWhenStable("[data-test=token-create]");

        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("[data-test=token-value]")));
        Assert.Equal(new ApiTokenRequest("deploy", ApiTokenScope.Admin, 30), Accounts.LastTokenRequest);
    }

    [Fact]
    public void TokensPage_RevokeAnotherUsersToken_AsksFirstThenRevokes()
    {
        Accounts.Tokens.Add(new ApiTokenSummary(7, "ci", "drp_wxyz", ApiTokenScope.Operate, Clock.UtcNow, Clock.UtcNow.AddDays(30), null, "carol"));
        var provider = RenderProviders();
        var page = Render<TokensPage>();
        page.WaitForAssertion(() => Assert.Equal("carol", page.Find("[data-test=all-token-owner]").TextContent.Trim()));

        page.ClickWhenStable("[data-test=all-token-revoke]");
        provider.WaitForAssertion(() => Assert.Contains("of carol", provider.Find("[data-test=confirm-dialog]").TextContent));
        Assert.Single(Accounts.Tokens);
        provider.ClickWhenStable("[data-test=confirm-ok]");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=all-tokens-empty]")));
        Assert.Empty(Accounts.Tokens);
    }
}
