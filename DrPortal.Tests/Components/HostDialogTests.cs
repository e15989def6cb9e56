using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Web.Components.Pages.Hosts;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class HostDialogTests : PortalTestContext
{
    public HostDialogTests() => SignInAs(Roles.Admin);

    [Fact]
    public async Task Save_StoreRefusesFields_ShowsErrorsInlineAndStaysOpen()
    {
        var errors = new ValidationErrors();
        errors.Add(nameof(HypervisorInput.Address), "Address is not a valid IPv4 address.");
        errors.Add(nameof(HypervisorInput.Name), "A host named 'pve-dc1' already exists.");
        Hosts.NextResult = Result<Hypervisor>.Invalid(errors);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<HostDialog>());

        provider.Find("[data-test=host-name]").Change("pve-dc1");
        provider.Find("[data-test=host-address]").Change("10.0.0.999");
        provider.ClickWhenStable("[data-test=host-save]");

        provider.WaitForAssertion(() =>
        {
            var address = Field(provider, "host-address");
            Assert.Contains("Address is not a valid IPv4 address.", address.TextContent);
            Assert.Contains("mud-input-error", address.ClassName);
            Assert.Contains("A host named 'pve-dc1' already exists.", Field(provider, "host-name").TextContent);
        });
        Assert.NotNull(provider.Find("[data-test=host-dialog]"));
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal("10.0.0.999", Assert.Single(Hosts.Submitted).Address);
    }

    [Fact]
    public async Task Open_NameFocusedAndLeftEmpty_ShowsNoErrorBeforeSave()
    {
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<HostDialog>());

        // The dialog focuses Name on open; leaving it for the next field is not yet a mistake.
        provider.Find("[data-test=host-name]").Blur();
        provider.Find("[data-test=host-address]").Blur();

        Assert.DoesNotContain("is required", provider.Markup, StringComparison.Ordinal);
        Assert.Empty(provider.FindAll(".mud-input-error"));
    }
}
