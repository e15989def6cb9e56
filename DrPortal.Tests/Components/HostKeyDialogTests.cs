using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Web.Components.Pages.Hosts;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class HostKeyDialogTests : PortalTestContext
{
    public HostKeyDialogTests() => SignInAs(Roles.Admin);

    [Fact]
    public async Task Trust_BeforeConfirmingFingerprint_IsDisabledThenPinsThePresentedKey()
    {
        var host = Hosts.Add("pve-dr1", Site.Recovery);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<TrustHostKeyDialog> { { d => d.Host, host } });

        provider.WaitForAssertion(() => Assert.Equal("SHA256:presented", provider.Find("[data-test=trust-fingerprint]").TextContent));
        Assert.True(provider.Find("[data-test=trust-submit]").HasAttribute("disabled"));

        provider.Find("[data-test=trust-confirm]").Change(true);
        provider.ClickWhenStable("[data-test=trust-submit]");

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("SHA256:presented", Assert.IsType<HostKeyStatus>(result!.Data).Fingerprint);
    }

    [Fact]
    public async Task InstallKey_UntrustedHost_RefusesToAskForThePassword()
    {
        var host = Hosts.Add("pve-dc1", Site.Primary);
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<InstallKeyDialog> { { d => d.Host, host } });

        Assert.Contains("Trust the host key", provider.Find("[data-test=install-key-untrusted]").TextContent);
        Assert.True(provider.Find("[data-test=install-key-password]").HasAttribute("disabled"));
        Assert.True(provider.Find("[data-test=install-key-submit]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task InstallKey_TrustedHost_MasksThePassword()
    {
        var host = Hosts.Add("pve-dc1", Site.Primary, "SHA256:pinned");
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<InstallKeyDialog> { { d => d.Host, host } });

        var password = provider.Find("[data-test=install-key-password]");
        Assert.Equal("password", password.GetAttribute("type"));
        password.Change("hunter2-but-longer");
        provider.ClickWhenStable("[data-test=install-key-submit]");

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(true, result!.Data);
    }
}
