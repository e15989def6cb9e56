using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Web.Components.Pages.Pairs;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class PairDialogTests : PortalTestContext
{
    public PairDialogTests()
    {
        SignInAs(Roles.Operator);
        Hosts.Add("pve-dc1", Site.Primary);
        Hosts.Add("pve-dr1", Site.Recovery);
        Hosts.Add("pve-dc2", Site.Primary);
        Hosts.Add("pve-dr2", Site.Recovery);
    }

    [Fact]
    public async Task HostSelects_MixedSites_OfferPrimaryAsSourcesAndRecoveryAsTargets()
    {
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<PairDialog>());

        var sources = OpenSelect(provider, "pair-source-host");
        Assert.Equal(["pve-dc1", "pve-dc2"], sources);
        var targets = OpenSelect(provider, "pair-target-host");
        Assert.Equal(["pve-dr1", "pve-dr2"], targets);
    }

    [Fact]
    public async Task Save_TargetDiscoveryFails_HintsAndAcceptsTypedVmIds()
    {
        Connections.Vms[1] = [new VmInfo(101, "web01", VmPowerState.Running, 2048, 32, 1234)];
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());

        OpenSelect(provider, "pair-source-host");
        OpenSelect(provider, "pair-target-host");
        provider.WaitForAssertion(() =>
            Assert.Contains("Could not list the VMs on pve-dr1", Field(provider, "pair-target-vmid").TextContent));
        Type(provider, "pair-source-vmid", "101");
        Type(provider, "pair-target-vmid", "9101");
        provider.Find("[data-test=pair-save]").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        var submitted = Assert.Single(Pairs.Submitted);
        Assert.Equal((1, 101, 2, 9101), (submitted.SourceHypervisorId, submitted.SourceVmId, submitted.TargetHypervisorId, submitted.TargetVmId));
    }

    [Fact]
    public async Task Save_RpoInHours_IsSubmittedInMinutes()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());
        OpenSelect(provider, "pair-source-host");
        OpenSelect(provider, "pair-target-host");
        Type(provider, "pair-source-vmid", "101");
        Type(provider, "pair-target-vmid", "9101");

        provider.Find("[data-test=pair-rpo]").Change("1.5");
        provider.Find("[data-test=pair-save]").Click();

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(90, Assert.Single(Pairs.Submitted).RpoMinutes);
    }

    [Fact]
    public async Task Edit_PairWithRpo_ShowsItInHours_AndClearingItSubmitsNone()
    {
        var pair = new VmPair { Id = 3, SourceHypervisorId = 1, SourceVmId = 101, TargetHypervisorId = 2, TargetVmId = 9101, RpoMinutes = 26 * 60 };
        Pairs.Pairs.Add(pair);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog> { { d => d.Pair, pair } });
        provider.WaitForAssertion(() => Assert.Equal("26", provider.Find("[data-test=pair-rpo]").GetAttribute("value")));

        provider.Find("[data-test=pair-rpo]").Change("");
        provider.Find("[data-test=pair-save]").Click();

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(Assert.Single(Pairs.Submitted).RpoMinutes);
    }

    private static void Type(IRenderedComponent<MudDialogProvider> provider, string dataTest, string text)
    {
        var input = provider.Find($"[data-test={dataTest}]");
        input.Input(text);
        provider.Find($"[data-test={dataTest}]").Blur();
    }

    private List<string> OpenSelect(IRenderedComponent<MudDialogProvider> provider, string dataTest)
    {
        provider.Find($"[data-test={dataTest}]").Closest(".mud-input-control")!.MouseDown();
        var items = Popovers.WaitForElements(".mud-popover-open .mud-list-item");
        var names = items.Select(item => item.TextContent.Split(" (")[0].Trim()).ToList();
        // Choosing an item closes the list, as a user would.
        items[0].Click();
        Popovers.WaitForAssertion(() => Assert.Empty(Popovers.FindAll(".mud-popover-open")));
        return names;
    }
}
