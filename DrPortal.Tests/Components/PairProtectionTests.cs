using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Pairs;

namespace DrPortal.Tests.Components;

/// <summary>The pairs page's protection column: the newest good archive's age against the RPO, coloured, with the schedules.</summary>
public class PairProtectionComponentTests : PortalTestContext
{
    private readonly VmPair _pair;

    public PairProtectionComponentTests()
    {
        SignInAs(Roles.Viewer);
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery);
        _pair = new VmPair { Id = 1, SourceHypervisor = dc, SourceHypervisorId = dc.Id, SourceVm = "101", TargetHypervisor = dr, TargetHypervisorId = dr.Id, TargetVm = "9101", RpoMinutes = 24 * 60 };
        Pairs.Pairs.Add(_pair);
    }

    private PairProtection ProtectionOf(TimeSpan? age, int schedules, TimeSpan? nextIn) =>
        PairProtection.Of(_pair, age is { } a ? Clock.UtcNow - a : null, schedules, nextIn is { } n ? Clock.UtcNow + n : null, Clock.UtcNow);

    [Theory]
    [InlineData(3, 1, 5, "Met", "mud-chip-color-success", "3 h ago")]
    [InlineData(3, 0, null, "AtRisk", "mud-chip-color-warning", "3 h ago")]
    [InlineData(23, 1, 2, "AtRisk", "mud-chip-color-warning", "23 h ago")]
    [InlineData(25, 1, 5, "Breached", "mud-chip-color-error", "1 d ago")]
    public void PairsPage_NewestArchiveAgainstTheRpo_IsColouredByTheVerdict(int ageHours, int schedules, int? nextInHours, string status, string colour, string age)
    {
        Protection.Items.Add(ProtectionOf(TimeSpan.FromHours(ageHours), schedules, nextInHours is { } n ? TimeSpan.FromHours(n) : null));
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Equal(status, page.Find("[data-test=pair-protection]").GetAttribute("data-rpo-status")));
        var chip = page.Find("[data-test=pair-rpo-chip]");
        Assert.Contains(colour, chip.ClassName, StringComparison.Ordinal);
        Assert.Contains(age, chip.TextContent, StringComparison.Ordinal);
        Assert.Contains("RPO 24 h", chip.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void PairsPage_NoGoodArchive_SaysSoAndLinksToThePairsSchedules()
    {
        Protection.Items.Add(ProtectionOf(null, 2, TimeSpan.FromMinutes(30)));
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Contains("no good archive", page.Find("[data-test=pair-rpo-chip]").TextContent, StringComparison.Ordinal));
        var link = page.Find("[data-test=pair-schedules]");
        Assert.Equal("schedules?pairId=1", link.GetAttribute("href"));
        Assert.Contains("2 schedules", link.TextContent, StringComparison.Ordinal);
        Assert.Contains("next in 30 min", page.Find("[data-test=pair-next-run]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void PairsPage_ABackupSucceeds_TheProtectionIsReadAgain()
    {
        Protection.Items.Add(ProtectionOf(TimeSpan.FromHours(25), 1, TimeSpan.FromHours(1)));
        RenderProviders();
        var page = Render<PairsPage>();
        page.WaitForAssertion(() => Assert.Equal("Breached", page.Find("[data-test=pair-protection]").GetAttribute("data-rpo-status")));

        Protection.Items[0] = ProtectionOf(TimeSpan.Zero, 1, TimeSpan.FromHours(1));
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow);
        Feed.Publish(TaskUpdate.Of(task));

        page.WaitForAssertion(() => Assert.Equal("Met", page.Find("[data-test=pair-protection]").GetAttribute("data-rpo-status")));
    }
}
