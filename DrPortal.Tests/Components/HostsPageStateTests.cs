using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Web.Components.Pages.Hosts;

namespace DrPortal.Tests.Components;

public class HostsPageStateTests : PortalTestContext
{
    [Fact]
    public void HostsPage_CheckedHosts_ShowStateChipAndLastSeenWithTheTimeInATooltip()
    {
        // Arrange: one host seen 5 minutes ago, one unreachable since a day, one never checked.
        var reachable = Hosts.Add("pve-dc1", Site.Primary, "SHA256:one");
        reachable.CheckState = HostCheckState.Reachable;
        reachable.LastSeenAt = Clock.UtcNow.AddMinutes(-5);
        reachable.LastCheckAt = Clock.UtcNow.AddMinutes(-5);
        var down = Hosts.Add("pve-dc2", Site.Primary, "SHA256:two");
        down.CheckState = HostCheckState.Unreachable;
        down.CheckMessage = "Connection refused";
        down.LastSeenAt = Clock.UtcNow.AddDays(-1);
        down.LastCheckAt = Clock.UtcNow.AddMinutes(-1);
        Hosts.Add("pve-dr1", Site.Recovery);
        SignInAs(Roles.Viewer);
        RenderProviders();

        // Act
        var page = Render<HostsPage>();

        // Assert
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-test=host-health]").Count));
        var cells = page.FindAll("[data-test=host-health]");
        Assert.Equal(["Reachable", "Unreachable", "Unknown"], cells.Select(c => c.GetAttribute("data-state")));
        var chips = page.FindAll("[data-test=host-state-chip]");
        Assert.Contains("reachable", chips[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-success", chips[0].ClassName, StringComparison.Ordinal);
        Assert.Contains("unreachable", chips[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-chip-color-error", chips[1].ClassName, StringComparison.Ordinal);
        Assert.Contains("unknown", chips[2].TextContent, StringComparison.Ordinal);
        var seen = page.FindAll("[data-test=host-last-seen] span");
        Assert.Equal("seen 5 min ago", seen[0].TextContent.Trim());
        Assert.Equal("Last seen 2026-11-25 11:55:00 UTC+00:00 (UTC)", seen[0].GetAttribute("title"));
        Assert.Equal("seen 1 d ago", seen[1].TextContent.Trim());
        Assert.Equal("never seen", seen[2].TextContent.Trim());
        Assert.Equal("Not checked yet", seen[2].GetAttribute("title"));
    }
}
