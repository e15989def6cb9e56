using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Web.Components.Pages.Plans;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class PlansEditorTests : PortalTestContext
{
    public PlansEditorTests()
    {
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery);
        foreach (var (id, vm) in new[] { (1, "101"), (2, "102"), (3, "103") })
        {
            Pairs.Pairs.Add(new VmPair
            {
                Id = id,
                SourceHypervisorId = dc.Id,
                SourceHypervisor = dc,
                SourceVm = vm,
                TargetHypervisorId = dr.Id,
                TargetHypervisor = dr,
                TargetVm = $"9{vm}",
                LastDrillAt = id == 1 ? Clock.UtcNow.AddDays(-2) : null,
                LastDrillPassed = id == 1 ? true : null,
            });
        }
    }

    private static RecoveryPlan PlanWith(params int[][] groups) => new()
    {
        Id = 7,
        Name = "erp",
        Groups = groups.Select((members, gi) => new RecoveryPlanGroup
        {
            Position = gi,
            Members = members.Select((id, mi) => new RecoveryPlanMember { VmPairId = id, Position = mi }).ToList(),
        }).ToList(),
    };

    /// <summary>
    /// Opens the pair pick of a group, waits until it lists exactly the pairs not in the plan yet (their source VMs, in order),
    /// chooses the first and adds it. The popover's content re-renders after the pick itself, so an early look can see the
    /// list from before the last add; waiting for the expected list keeps the click off a stale entry.
    /// </summary>
    private void AddFirstCandidate(IRenderedComponent<MudDialogProvider> provider, int group, params string[] listed)
    {
        provider.FindAll("[data-test=plan-member-pick]")[group].Closest(".mud-input-control")!.MouseDown();
        Popovers.WaitForAssertion(() =>
        {
            var shown = Popovers.FindAll(".mud-popover-open .mud-list-item");
            Assert.Equal(listed.Length, shown.Count);
            Assert.All(listed.Zip(shown), pair => Assert.Contains(pair.First, pair.Second.TextContent, StringComparison.Ordinal));
        });
        Popovers.FindAll(".mud-popover-open .mud-list-item")[0].Click();
        Popovers.WaitForAssertion(() => Assert.Empty(Popovers.FindAll(".mud-popover-open")));
        provider.WaitForAssertion(() => Assert.False(provider.FindAll("[data-test=plan-member-add]")[group].HasAttribute("disabled")));
        provider.FindAll("[data-test=plan-member-add]")[group].Click();
        provider.WaitForAssertion(() => Assert.Contains(listed[0], provider.FindAll("[data-test=plan-group]")[group].TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Editor_AddMoveAndRemoveGroupsAndMembers_SubmitsThemInTheShownOrder()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PlanEditor>());
        provider.WaitForElement("[data-test=plan-group]");
        provider.Find("[data-test=plan-name]").Change("erp");

        AddFirstCandidate(provider, 0, "101", "102", "103");
        provider.Find("[data-test=plan-group-add]").Click();
        AddFirstCandidate(provider, 1, "102", "103");
        AddFirstCandidate(provider, 1, "103");
        provider.Find("[data-test=plan-group-add]").Click();
        Assert.Equal(3, provider.FindAll("[data-test=plan-group]").Count);
        provider.FindAll("[data-test=plan-group-remove]")[2].Click();
        provider.FindAll("[data-test=plan-group-up]")[1].Click();
        provider.FindAll("[data-test=plan-member-remove]")[1].Click();
        provider.ClickWhenStable("[data-test=plan-save]");

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(result!.Canceled);
        var (input, _) = Assert.Single(RecoveryPlans.Submitted);
        Assert.Equal("erp", input.Name);
        Assert.Equal([[2], [1]], input.Groups.Select(g => g.Members.Select(m => m.VmPairId).ToArray()).ToArray());
    }

    [Fact]
    public async Task Editor_MemberRows_ShowRpoStatusAndLastDrill()
    {
        SignInAs(Roles.Operator);
        Protection.Items.Add(new PairProtection(1, TimeSpan.FromHours(26), Clock.UtcNow.AddHours(-1), 1, null, RpoStatus.Met));
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<PlanEditor> { { d => d.Plan, PlanWith([1, 2]) } });

        provider.WaitForAssertion(() => Assert.Equal(2, provider.FindAll("[data-test=plan-member]").Count));
        var rows = provider.FindAll("[data-test=plan-member]");
        Assert.Equal("Met", rows[0].QuerySelector("[data-test=pair-protection]")!.GetAttribute("data-rpo-status"));
        Assert.Contains("drill passed", rows[0].QuerySelector("[data-test=pair-last-drill]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(rows[1].QuerySelector("[data-test=pair-never-drilled]"));
    }

    [Fact]
    public async Task Editor_RefusedSave_ShowsEachMessageBesideItsField()
    {
        SignInAs(Roles.Operator);
        var errors = new ValidationErrors();
        errors.Add("name", "A plan needs a name.");
        errors.Add("groups[0].timeoutSeconds", "Between 10 and 86400 seconds.");
        errors.Add("groups[1].members[0].vmPairId", "Pair #2 is already in this plan.");
        errors.Add("plan", "Something the form does not show.");
        RecoveryPlans.NextResult = Result<RecoveryPlan>.Invalid(errors);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PlanEditor> { { d => d.Plan, PlanWith([1], [2]) } });
        provider.WaitForElement("[data-test=plan-member]");

        provider.ClickWhenStable("[data-test=plan-save]");

        provider.WaitForAssertion(() => Assert.Contains("A plan needs a name.", Field(provider, "plan-name").TextContent, StringComparison.Ordinal));
        Assert.Contains("Between 10 and 86400", Field(provider, "plan-group-timeout").TextContent, StringComparison.Ordinal);
        Assert.Contains("already in this plan", provider.FindAll("[data-test=plan-group]")[1].QuerySelector("[data-test=plan-member-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(provider.FindAll("[data-test=plan-group]")[0].QuerySelector("[data-test=plan-member-error]"));
        Assert.Contains("Something the form does not show.", provider.Find("[data-test=plan-error]").TextContent, StringComparison.Ordinal);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Theory]
    [InlineData(Roles.Operator, true)]
    [InlineData(Roles.Admin, false)]
    public async Task Editor_Hooks_AreDisabledForAnOperatorOnly(string role, bool disabled)
    {
        SignInAs(role);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<PlanEditor> { { d => d.Plan, PlanWith([1]) } });
        provider.WaitForElement("[data-test=plan-member]");

        Assert.Equal(disabled, provider.Find("[data-test=plan-group-prehook]").HasAttribute("disabled"));
        Assert.Equal(disabled, provider.Find("[data-test=plan-group-posthook]").HasAttribute("disabled"));
        provider.ClickWhenStable("[data-test=plan-save]");
        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(role == Roles.Admin, Assert.Single(RecoveryPlans.Submitted).ActorIsAdmin);
    }
}
