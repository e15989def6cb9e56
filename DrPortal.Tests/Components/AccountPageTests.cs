using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Web.Components.Pages.Account;

namespace DrPortal.Tests.Components;

public class AccountPageTests : PortalTestContext
{
    public AccountPageTests() => SignInAs(Roles.Viewer, "alice", sessionId: "mine");

    [Fact]
    public void CreateToken_Named_ShowsTheTokenOnceWithWarning()
    {
        Accounts.NextToken = "drp_0123456789abcdefTOKEN";
        var provider = RenderProviders();
        var page = Render<AccountPage>();

        page.Find("[data-test=token-name]").Change("nightly-backup");
        page.ClickWhenStable("[data-test=token-create]");

        provider.WaitForAssertion(() => Assert.Equal("drp_0123456789abcdefTOKEN", provider.Find("[data-test=token-value]").TextContent.Trim()));
        Assert.Contains("shown only once", provider.Find("[data-test=token-warning]").TextContent);
        page.WaitForAssertion(() => Assert.Equal("nightly-backup", page.Find("[data-test=token-row-name]").TextContent.Trim()));
        // The list shows only the hint, never the token itself.
        Assert.DoesNotContain("drp_0123456789abcdefTOKEN", page.Markup);

        provider.ClickWhenStable("[data-test=token-done]");
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-test=token-value]")));
    }

    [Fact]
    public void ChangePassword_WrongCurrent_ShowsErrorOnThatField()
    {
        RenderProviders();
        var page = Render<AccountPage>();

        page.Find("[data-test=current-password]").Change("not-my-password");
        page.Find("[data-test=new-password]").Change("a-brand-new-password");
        page.Find("[data-test=new-password-confirm]").Change("a-brand-new-password");
        page.ClickWhenStable("[data-test=change-password]");

        page.WaitForAssertion(() => Assert.Contains("Current password is wrong.", Field(page, "current-password").TextContent));
        Assert.Empty(page.FindAll("[data-test=password-changed]"));
    }

    [Fact]
    public void Sessions_ListsTheUsersSessions_AndSignsOutAnother_ButNotThisOne()
    {
        var signedIn = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
        Sessions.ByUser["alice-id"] =
        [
            new("other", signedIn, signedIn.AddHours(1), signedIn.AddHours(9), "10.0.0.7", "Firefox 128 on Linux", false),
            new("mine", signedIn, signedIn.AddHours(2), signedIn.AddHours(10), "10.0.0.8", "Chrome 131 on Windows", false),
        ];
        RenderProviders();
        var page = Render<AccountPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=sessions-table] tbody tr").Count));
        var current = Assert.Single(page.FindAll("[data-test=sessions-table] tbody tr"), r => r.QuerySelector("[data-test=session-current]") is not null);
        Assert.Contains("Chrome 131 on Windows", current.TextContent);
        Assert.Null(current.QuerySelector("[data-test=session-sign-out]"));
        page.ClickWhenStable("[data-test=session-sign-out]");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=sessions-table] tbody tr")));
        Assert.Equal(["other"], Sessions.Ended);
    }

    [Fact]
    public void SecurityKeys_ListsNameAndLastUse_AndAskForANameBeforeTheBrowserPrompt()
    {
        var added = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        SecurityKeys.Keys.Add(new SecurityKeySummary(1, "YubiKey 5C", added, null));
        SecurityKeys.Keys.Add(new SecurityKeySummary(2, "Laptop passkey", added, added.AddDays(1)));
        RenderProviders();
        var page = Render<AccountPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=securitykeys-table] tbody tr").Count));
        Assert.Equal(["YubiKey 5C", "Laptop passkey"], page.FindAll("[data-test=securitykey-row-name]").Select(c => c.TextContent.Trim()));
        Assert.Equal("never", page.FindAll("[data-test=securitykey-row-last-used]")[0].TextContent.Trim());
        Assert.NotEqual("never", page.FindAll("[data-test=securitykey-row-last-used]")[1].TextContent.Trim());

        // No name: refused on the page, and the browser's prompt (JS interop) is never opened.
        page.Find("[data-test=securitykey-add]").Click();
        page.WaitForAssertion(() => Assert.Contains("Key name is required", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "drPortal.createCredential");
    }
}
