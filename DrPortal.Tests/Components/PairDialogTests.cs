using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
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
        Connections.Vms[1] = [new VmInfo(VmRef.Of("101"), "web01", VmPowerState.Running, 2048, 32, 1234)];
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());

        OpenSelect(provider, "pair-source-host");
        OpenSelect(provider, "pair-target-host");
        provider.WaitForAssertion(() =>
            Assert.Contains("Could not list the VMs on pve-dr1", Field(provider, "pair-target-vmid").TextContent));
        Type(provider, "pair-source-vmid", "101");
        Type(provider, "pair-target-vmid", "9101");
        provider.ClickWhenStable("[data-test=pair-save]");

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        var submitted = Assert.Single(Pairs.Submitted);
        Assert.Equal((1, "101", 2, "9101"), (submitted.SourceHypervisorId, submitted.SourceVm, submitted.TargetHypervisorId, submitted.TargetVm));
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
        provider.ClickWhenStable("[data-test=pair-save]");

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(90, Assert.Single(Pairs.Submitted).RpoMinutes);
    }

    [Fact]
    public async Task Edit_PairWithRpo_ShowsItInHours_AndClearingItSubmitsNone()
    {
        var pair = new VmPair { Id = 3, SourceHypervisorId = 1, SourceVm = "101", TargetHypervisorId = 2, TargetVm = "9101", RpoMinutes = 26 * 60 };
        Pairs.Pairs.Add(pair);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog> { { d => d.Pair, pair } });
        provider.WaitForAssertion(() => Assert.Equal("26", provider.Find("[data-test=pair-rpo]").GetAttribute("value")));

        provider.Find("[data-test=pair-rpo]").Change("");
        provider.ClickWhenStable("[data-test=pair-save]");

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(Assert.Single(Pairs.Submitted).RpoMinutes);
    }

    private async Task<IDialogReference> OpenFilledAsync(IRenderedComponent<MudDialogProvider> provider)
    {
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());
        OpenSelect(provider, "pair-source-host");
        OpenSelect(provider, "pair-target-host");
        Type(provider, "pair-source-vmid", "101");
        Type(provider, "pair-target-vmid", "9101");
        return dialog;
    }

    [Fact]
    public async Task Save_SourceHostUnreachable_WarnsAndSaveAnywayConfirms()
    {
        var provider = RenderProviders();
        var dialog = await OpenFilledAsync(provider);
        Pairs.NextResult = Result<VmPair>.Invalid(nameof(VmPairInput.ConfirmUnverifiedSource), "Could not check that VM 101 exists on pve-dc1: Cannot reach 10.250.0.11:22.");

        provider.ClickWhenStable("[data-test=pair-save]");

        provider.WaitForAssertion(() => Assert.Contains("Could not check that VM 101 exists", provider.Find("[data-test=pair-dialog-unverified]").TextContent));
        Assert.False(Pairs.Submitted[0].ConfirmUnverifiedSource);
        Pairs.NextResult = null;
        provider.ClickWhenStable("[data-test=pair-save-unverified]");
        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        Assert.True(Pairs.Submitted[1].ConfirmUnverifiedSource);
    }

    [Fact]
    public async Task Open_NewPair_ExplainsReplicaStartAndThatTheOwnReplicaIsReplaced()
    {
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<PairDialog>());

        provider.WaitForAssertion(() => Assert.Contains("MAC addresses", provider.Find("[data-test=pair-start-explained]").TextContent));
        Assert.Contains("Left stopped", provider.Find("[data-test=pair-start-hint]").TextContent);
        var overwrite = provider.Find("[data-test=pair-overwrite-hint]").TextContent;
        Assert.Contains("own replica is always replaced", overwrite);
        Assert.Contains("did not restore is never touched", overwrite);
    }

    [Fact]
    public async Task Save_RetentionTyped_SubmitsThePolicy()
    {
        var provider = RenderProviders();
        var dialog = await OpenFilledAsync(provider);
        // A new pair starts from the default policy, keep the last 3.
        Assert.Equal("3", provider.Find("[data-test=pair-keep-last]").GetAttribute("value"));

        provider.Find("[data-test=pair-keep-last]").Input("5");
        provider.Find("[data-test=pair-keep-weekly]").Input("4");
        provider.ClickWhenStable("[data-test=pair-save]");

        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new RetentionPolicy(KeepLast: 5, KeepWeekly: 4), Assert.Single(Pairs.Submitted).Retention);
    }

    [Fact]
    public async Task Escape_HalfFilled_AsksBeforeDiscarding()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());
        provider.Find("[data-test=pair-note]").Change("half way");

        // Not awaited: the handler waits for the answer to the question it asks.
        var escape = provider.Find("[data-test=pair-dialog-body]").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        provider.WaitForAssertion(() => Assert.Contains("not saved", provider.Find("[data-test=confirm-dialog]").TextContent));
        Assert.False(dialog.Result.IsCompleted);
        provider.ClickWhenStable("[data-test=confirm-cancel]");
        await escape.WaitAsync(TimeSpan.FromSeconds(5));
        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-test=confirm-dialog]")));
        Assert.Single(provider.FindAll("[data-test=pair-dialog]"));
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task Escape_Untouched_ClosesAtOnce()
    {
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PairDialog>());
        provider.WaitForElement("[data-test=pair-dialog-body]");

        await provider.Find("[data-test=pair-dialog-body]").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result!.Canceled);
        Assert.Empty(provider.FindAll("[data-test=confirm-dialog]"));
    }

    [Fact]
    public async Task Open_FieldsLeftAndBlurred_ShowNoErrorsUntilSaved()
    {
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<PairDialog>());

        provider.Find("[data-test=pair-note]").Blur();
        provider.Find("[data-test=pair-source-vmid]").Blur();

        Assert.Empty(provider.FindAll(".mud-input-error"));
    }

    [Fact]
    public async Task Save_SeveralErrors_AreShownTogether()
    {
        var provider = RenderProviders();
        await OpenFilledAsync(provider);
        var errors = new ValidationErrors();
        errors.Add(nameof(VmPairInput.SourceVm), "VM 101 does not exist on pve-dc1.");
        errors.Add(nameof(VmPairInput.SourceVm), "Pick one of the VMs on pve-dc1: 100 (web).");
        errors.Add(nameof(VmPairInput.TargetVm), "VMID 9101 on the target host already belongs to another pair.");
        Pairs.NextResult = Result<VmPair>.Invalid(errors);

        provider.ClickWhenStable("[data-test=pair-save]");

        provider.WaitForAssertion(() =>
        {
            var source = Field(provider, "pair-source-vmid").TextContent;
            Assert.Contains("does not exist on pve-dc1", source);
            Assert.Contains("Pick one of the VMs", source);
            Assert.Contains("already belongs to another pair", Field(provider, "pair-target-vmid").TextContent);
        });
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
