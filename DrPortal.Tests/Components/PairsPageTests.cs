using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Web.Components.Pages.Pairs;

namespace DrPortal.Tests.Components;

public class PairsPageTests : PortalTestContext
{
    private readonly VmPair _pair;

    public PairsPageTests()
    {
        SignInAs(Roles.Operator);
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery);
        _pair = new VmPair
        {
            Id = 1,
            SourceHypervisor = dc,
            SourceHypervisorId = dc.Id,
            SourceVm = "101",
            SourceVmName = "billing-db",
            TargetHypervisor = dr,
            TargetHypervisorId = dr.Id,
            TargetVm = "9101",
        };
        Pairs.Pairs.Add(_pair);
    }

    [Fact]
    public void List_PairWithAKnownSourceVm_ShowsTheVmName()
    {
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Contains("billing-db", page.Find("[data-test=pair-row-source]").TextContent));
    }

    [Fact]
    public void Delete_PairWithSchedules_ConfirmationNamesTheSchedulesDeletedWithIt()
    {
        Schedules.Add(new ScheduleInput { VmPairId = 1, Kind = ScheduleKind.Replicate, Timing = ScheduleTiming.Daily, DailyAt = "02:30", TimeZone = "Europe/Berlin" }, Clock.UtcNow);
        Schedules.Add(new ScheduleInput { VmPairId = 1, Kind = ScheduleKind.Backup, Timing = ScheduleTiming.Cron, Cron = "0 * * * *", TimeZone = "UTC", Enabled = false }, Clock.UtcNow);
        var provider = RenderProviders();
        var page = Render<PairsPage>();
        page.WaitForElement("[data-test=pair-delete]");

        page.ClickWhenStable("[data-test=pair-delete]");

        provider.WaitForAssertion(() =>
        {
            var confirm = provider.Find("[data-test=confirm-dialog]").TextContent;
            Assert.Contains("2 schedule(s) are deleted with it", confirm);
            var items = provider.FindAll("[data-test=confirm-items] li").Select(li => li.TextContent).ToList();
            Assert.Equal(2, items.Count);
            Assert.Contains("replicate daily at 02:30 (Europe/Berlin)", items[0]);
            Assert.Contains("backup cron 0 * * * * (UTC), disabled", items[1]);
        });
        Assert.Empty(Schedules.Deleted);
    }
}
