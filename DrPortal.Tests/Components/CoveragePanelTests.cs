using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Coverage;
using DrPortal.Web.Components.Pages.Dashboard;

namespace DrPortal.Tests.Components;

/// <summary>The dashboard's coverage panel: each gap listed under its heading, and a background listing followed to its end.</summary>
public class CoveragePanelTests : PortalTestContext
{
    public CoveragePanelTests() => SignInAs(Roles.Viewer);

    [Fact]
    public void CoveragePanel_GapsOfEachKind_ListsThemUnderTheirHeadings()
    {
        // Arrange
        Coverage.Enqueue(new CoverageReport(
            [new UnprotectedVm(1, "pve-dc1", "5300", "orphan-vm")],
            [new CoveredPair(2, "pve-dc1/101 → pve-dr1/9101")],
            [new CoveredPair(3, "pve-dc2/102 → pve-dr1/9102")],
            [new CoveredPair(2, "pve-dc1/101 → pve-dr1/9101"), new CoveredPair(3, "pve-dc2/102 → pve-dr1/9102")],
            Clock.UtcNow, false, ["pve-dc4: no answer within 30 s"]));
        RenderProviders();

        // Act
        var panel = Render<CoveragePanel>();

        // Assert
        panel.WaitForAssertion(() => Assert.Contains("pve-dc1/5300 (orphan-vm)", panel.Find("[data-test=coverage-unprotected]").TextContent, StringComparison.Ordinal));
        Assert.Contains("pve-dc1/101 → pve-dr1/9101", panel.Find("[data-test=coverage-unscheduled]").TextContent, StringComparison.Ordinal);
        Assert.Contains("(1)", panel.Find("[data-test=coverage-breaching]").TextContent, StringComparison.Ordinal);
        Assert.Equal(2, panel.FindAll("[data-test=coverage-undrilled] [data-test=coverage-item]").Count);
        Assert.Contains("5 gap(s)", panel.Find("[data-test=coverage-gaps]").TextContent, StringComparison.Ordinal);
        Assert.Contains("pve-dc4", panel.Find("[data-test=coverage-not-listed]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void CoveragePanel_HundredHostsNotListed_NamesFiveAndCountsTheRest()
    {
        // Arrange: a hundred hosts without a trusted key cannot be listed; the warning must not fill the dashboard.
        Coverage.Enqueue(FakeCoverageQuery.Empty with
        {
            VmsListedAt = Clock.UtcNow,
            HostsNotListed = [.. Enumerable.Range(1, 100).Select(i => $"host-{i:D3}: its host key is not trusted yet")],
        });
        RenderProviders();

        // Act
        var panel = Render<CoveragePanel>();

        // Assert
        panel.WaitForAssertion(() => Assert.Contains("host-005", panel.Find("[data-test=coverage-not-listed]").TextContent, StringComparison.Ordinal));
        var text = panel.Find("[data-test=coverage-not-listed]").TextContent;
        Assert.DoesNotContain("host-006", text, StringComparison.Ordinal);
        Assert.Contains("and 95 more host(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CoveragePanel_RefreshWhileHostsAreListed_ShowsListingThenWhatTheListingFound()
    {
        // Arrange: the first look finds nothing, the refresh starts a listing, the listing ends with one VM found.
        CoveragePanel.PollInterval = TimeSpan.FromMilliseconds(20);
        Coverage.Enqueue(FakeCoverageQuery.Empty with { VmsListedAt = Clock.UtcNow });
        Coverage.Enqueue(FakeCoverageQuery.Empty with { Listing = true });
        Coverage.Enqueue(FakeCoverageQuery.Empty with { Unprotected = [new UnprotectedVm(1, "kvm-dc1", "web01", "web01")], VmsListedAt = Clock.UtcNow });
        RenderProviders();
        var panel = Render<CoveragePanel>();
        panel.WaitForAssertion(() => Assert.Contains("no gaps", panel.Find("[data-test=coverage-gaps]").TextContent, StringComparison.Ordinal));

        // Act
        panel.Find("[data-test=coverage-refresh]").Click();

        // Assert
        panel.WaitForAssertion(() => Assert.Contains("kvm-dc1/web01", panel.Find("[data-test=coverage-unprotected]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, Coverage.Refreshes);
        Assert.Contains("1 gap(s)", panel.Find("[data-test=coverage-gaps]").TextContent, StringComparison.Ordinal);
    }
}
