using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Reports;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Reports;

namespace DrPortal.Tests.Components;

/// <summary>The readiness page shows each row's RPO, point and copies, drill and RTO, schedules and failures, and offers CSV and print.</summary>
public class ReadinessPageTests : PortalTestContext
{
    public ReadinessPageTests() => SignInAs(Roles.Viewer);

    [Fact]
    public void ReadinessPage_ReadyAndBarePairs_ShowsEachFact_AndMarksTheOneNeedingAttention()
    {
        var now = Clock.UtcNow;
        Readiness.Report = new ReadinessReport(now, 30,
        [
            new ReadinessRow(1, "pve-dc1/101 → pve-dr1/9101", RpoStatus.Met, TimeSpan.FromHours(1), TimeSpan.FromMinutes(30),
                41, "vzdump-qemu-101-2026_11_02-08_00_00.vma.zst", now.AddMinutes(-30), ["repository", "pve-dr1"],
                now.AddDays(-2), true, 7, TimeSpan.FromMinutes(7),
                [new ReadinessSchedule(3, "Replicate", "Replicate daily at 02:00 (UTC)", true, now.AddHours(3))], []),
            new ReadinessRow(2, "pve-dc1/102 → pve-dr1/9102", RpoStatus.Breached, TimeSpan.FromHours(24), null,
                null, null, null, [], null, null, null, null, [],
                [new ReadinessFailure(90, DrTaskKind.Replicate, now.AddHours(-1), "vzdump: no space left")]),
        ]);
        RenderProviders();

        var page = Render<ReadinessPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=readiness-row]").Count));
        var ready = page.Find("[data-test=readiness-row][data-pair-id='1']");
        Assert.Contains("achieved 30 min", ready.QuerySelector("[data-test=readiness-rpo]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("on repository, pve-dr1", ready.QuerySelector("[data-test=readiness-copies]")!.TextContent.Trim());
        Assert.Contains("RTO 7 min", ready.QuerySelector("[data-test=readiness-drill]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Replicate daily at 02:00 (UTC)", ready.QuerySelector("[data-test=readiness-schedules]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("attention", ready.ClassName ?? "", StringComparison.Ordinal);

        var bare = page.Find("[data-test=readiness-row][data-pair-id='2']");
        Assert.Contains("attention", bare.ClassName, StringComparison.Ordinal);
        Assert.Contains("breached", bare.QuerySelector("[data-test=readiness-rpo]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("none", bare.QuerySelector("[data-test=readiness-point]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("never drilled", bare.QuerySelector("[data-test=readiness-drill]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("vzdump: no space left", bare.QuerySelector("[data-test=readiness-failures]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 need attention", page.Find("[data-test=readiness-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("api/v1/reports/readiness.csv", page.Find("[data-test=readiness-csv]").GetAttribute("href"));
        Assert.True(page.Find("[data-test=readiness-print]").HasAttribute("data-print"));
    }
}
