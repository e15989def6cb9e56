using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Web.Components.Pages.Pairs;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class PlansRecoveryDialogTests : PortalTestContext
{
    private readonly VmPair _pair = new() { Id = 4, SourceHypervisorId = 1, SourceVm = "101", TargetHypervisorId = 2, TargetVm = "9101" };

    public PlansRecoveryDialogTests()
    {
        SignInAs(Roles.Operator);
        PairRecovery.Networks = [new HostNetwork("vmbr0", false, "eno1"), new HostNetwork("drtest0", true)];
        PairRecovery.Nics = [new VmNic("net0", "BC:24:11:00:00:01", "vmbr0", 10, true, "virtio")];
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> OpenAsync()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairRecoveryDialog> { { d => d.Pair, _pair } });
        provider.WaitForElement("[data-test=recovery-check-timeout]");
        return (provider, dialog);
    }

    [Fact]
    public async Task Dialog_NewPair_ShowsTheIsolatedDrillDefaultForEachNic()
    {
        var (provider, _) = await OpenAsync();

        Assert.Contains("isolated", provider.Find("[data-test=recovery-drill-default]").TextContent, StringComparison.Ordinal);
        var nic = provider.Find("[data-test=recovery-nic][data-nic=net0]");
        Assert.Contains("vmbr0, VLAN 10", nic.QuerySelector("[data-test=recovery-nic-source]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(nic.QuerySelector("[data-test=recovery-drill-row] [data-test=recovery-drill-isolated]"));
        Assert.Contains("link down", nic.QuerySelector("[data-test=recovery-drill-row]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkSelect_ListsTheRecoveryHostsNetworks_WithWhichAreIsolated()
    {
        var (provider, _) = await OpenAsync();

        provider.Find("[data-test=recovery-drill-network]").Closest(".mud-input-control")!.MouseDown();
        var items = Popovers.WaitForElements(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim()).ToList();

        Assert.Equal(3, items.Count);
        Assert.StartsWith("as restored", items[0], StringComparison.Ordinal);
        Assert.Contains("vmbr0 · has uplink", items[1], StringComparison.Ordinal);
        Assert.Contains("drtest0 · isolated", items[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dialog_HostsDoNotAnswer_SaysSo_AndAllowsAddingNics()
    {
        PairRecovery.Networks = [];
        PairRecovery.NetworksError = "pve-dr1 did not answer within 15 s.";
        PairRecovery.Nics = [];
        PairRecovery.NicsError = "pve-dc1: connection refused.";
        var (provider, dialog) = await OpenAsync();

        Assert.Contains("did not answer within 15 s", provider.Find("[data-test=recovery-networks-error]").TextContent, StringComparison.Ordinal);
        Assert.Contains("connection refused", provider.Find("[data-test=recovery-nics-error]").TextContent, StringComparison.Ordinal);
        provider.Find("[data-test=recovery-nic-add]").Click();
        provider.Find("[data-test=recovery-nic-add]").Click();
        Assert.Equal(["net0", "net1"], provider.FindAll("[data-test=recovery-nic]").Select(n => n.GetAttribute("data-nic")));
        provider.ClickWhenStable("[data-test=recovery-save]");

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        var (input, admin) = Assert.Single(PairRecovery.Saved);
        Assert.False(admin);
        Assert.Empty(input.FailoverNetwork!);
        Assert.Equal([NicMapping.Isolated("net0"), NicMapping.Isolated("net1")], input.DrillNetwork);
    }

    [Fact]
    public async Task Dialog_RefusedSave_ShowsTheErrorBesideTheNicsField()
    {
        PairRecovery.NextResult = Core.Common.Result<VmPair>.Invalid("drillNetwork[0].network", "net0: 'vmbr0' on pve-dr1 has an uplink.");
        var (provider, dialog) = await OpenAsync();

        provider.ClickWhenStable("[data-test=recovery-save]");

        provider.WaitForAssertion(() => Assert.Contains("has an uplink", Field(provider, "recovery-drill-network").TextContent, StringComparison.Ordinal));
        Assert.False(dialog.Result.IsCompleted);
        Assert.True(provider.Find("[data-test=recovery-check-command]").HasAttribute("disabled"));
    }
}
