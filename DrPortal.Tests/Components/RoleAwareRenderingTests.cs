using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Web.Components.Pages.Hosts;
using DrPortal.Web.Components.Pages.Pairs;

namespace DrPortal.Tests.Components;

public class RoleAwareRenderingTests : PortalTestContext
{
    private static readonly string[] HostAdminButtons = ["host-add", "host-more", "host-edit", "host-delete", "host-trust", "host-install-key"];
    private static readonly string[] HostMenuItems = ["host-trust", "host-install-key", "host-edit", "host-delete"];
    private static readonly string[] PairEditButtons = ["pair-add", "pair-edit", "pair-delete"];

    public RoleAwareRenderingTests()
    {
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery, "SHA256:pinned");
        Pairs.Pairs.Add(new VmPair { Id = 1, SourceHypervisor = dc, SourceHypervisorId = dc.Id, SourceVm = "101", TargetHypervisor = dr, TargetHypervisorId = dr.Id, TargetVm = "9101" });
    }

    [Fact]
    public void HostsPage_Viewer_ListsHostsWithoutChangeOrTestButtons()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();

        var page = Render<HostsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=host-row-name]").Count));
        Assert.All(HostAdminButtons, button => Assert.Empty(page.FindAll($"[data-test={button}]")));
        Assert.Empty(page.FindAll("[data-test=host-test]"));
        Assert.Equal(2, page.FindAll("[data-test=host-discover]").Count);
    }

    [Fact]
    public void HostsPage_Operator_CanTestButNotChange()
    {
        SignInAs(Roles.Operator);
        RenderProviders();

        var page = Render<HostsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=host-test]").Count));
        Assert.All(HostAdminButtons, button => Assert.Empty(page.FindAll($"[data-test={button}]")));
    }

    [Fact]
    public void HostsPage_Admin_ShowsEveryAction()
    {
        SignInAs(Roles.Admin);
        RenderProviders();

        var page = Render<HostsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=host-row-name]").Count));
        Assert.Single(page.FindAll("[data-test=host-add]"));
        // The admin actions sit in each row's menu, so the row fits the screen.
        Assert.Equal(2, page.FindAll("[data-test=host-more]").Count);
        page.FindAll("[data-test=host-more] button")[0].Click();
        Popovers.WaitForAssertion(() => Assert.All(HostMenuItems, item => Assert.Single(Popovers.FindAll($".mud-popover-open [data-test={item}]"))));
        Assert.Contains("SHA256:pinned", page.FindAll("[data-test=host-row-key]")[1].TextContent);
        Assert.Contains("not trusted", page.FindAll("[data-test=host-row-key]")[0].TextContent);
    }

    [Fact]
    public void PairsPage_Viewer_IsReadOnly()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Contains("pve-dc1", page.Find("[data-test=pair-row-source]").TextContent));
        Assert.All(PairEditButtons, button => Assert.Empty(page.FindAll($"[data-test={button}]")));
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Admin)]
    public void PairsPage_OperatorOrAdmin_CanAddEditDelete(string role)
    {
        SignInAs(role);
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Contains("pve-dr1", page.Find("[data-test=pair-row-target]").TextContent));
        Assert.All(PairEditButtons, button => Assert.Single(page.FindAll($"[data-test={button}]")));
    }
}
