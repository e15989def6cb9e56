using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Plans;

namespace DrPortal.Tests.Components;

public class PlansRunPageTests : PortalTestContext
{
    private readonly DateTimeOffset _start;

    public PlansRunPageTests() => _start = Clock.UtcNow.AddMinutes(-15);

    /// <summary>A two-group drill: the database group passed; the web group timed out with one VM failed, one still running.</summary>
    private DrRun AddRun(DrRunStatus status)
    {
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery);
        var run = new DrRun
        {
            Id = 5,
            Kind = DrRunKind.Drill,
            RecoveryPlanId = 1,
            Label = "erp",
            Status = status,
            RequestedBy = "operator",
            CreatedAt = _start,
            StartedAt = _start,
            Groups =
            [
                new DrRunGroup { Position = 0, Title = "database", TimeoutSeconds = 300, ReleasedAt = _start, SettledAt = _start.AddSeconds(80) },
                new DrRunGroup { Position = 1, Title = "web", TimeoutSeconds = 600, ReleasedAt = _start.AddSeconds(80), TimedOut = true, Log = "web02 did not pass in 600 s" },
            ],
        };
        foreach (var (id, position, taskStatus) in new[] { (11L, 0, DrTaskStatus.Succeeded), (12L, 1, DrTaskStatus.Failed), (13L, 1, DrTaskStatus.Running) })
        {
            var pair = new VmPair { Id = (int)id, SourceHypervisorId = dc.Id, SourceHypervisor = dc, SourceVm = $"{id}", TargetHypervisorId = dr.Id, TargetHypervisor = dr, TargetVm = $"9{id}" };
            var task = DrTask.Create(DrTaskKind.Drill, pair, "operator", _start);
            task.Id = id;
            task.Status = taskStatus;
            task.RunGroupPosition = position;
            task.ScratchVm = $"99{id}";
            task.PointCreatedAt = _start.AddHours(-2);
            task.RunningAt = taskStatus == DrTaskStatus.Succeeded ? _start.AddSeconds(30) : null;
            task.CheckPassedAt = taskStatus == DrTaskStatus.Succeeded ? _start.AddSeconds(45) : null;
            task.Error = taskStatus == DrTaskStatus.Failed ? "The boot check failed: the VM stopped after 4 s." : null;
            run.Tasks.Add(task);
        }
        DrRuns.Runs.Add(run);
        return run;
    }

    [Fact]
    public void RunPage_ChildTasks_AreLanesInTheirGroups_WithTheTimedOutGroupMarked()
    {
        SignInAs(Roles.Viewer);
        AddRun(DrRunStatus.Running);
        RenderProviders();

        var page = Render<RunPage>(p => p.Add(x => x.Id, 5L));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=run-group]").Count));
        var groups = page.FindAll("[data-test=run-group]");
        Assert.Equal(["11"], groups[0].QuerySelectorAll("[data-test=run-lane]").Select(l => l.GetAttribute("data-task-id")));
        Assert.Equal(["12", "13"], groups[1].QuerySelectorAll("[data-test=run-lane]").Select(l => l.GetAttribute("data-task-id")));
        Assert.Null(groups[0].QuerySelector("[data-test=run-group-timed-out]"));
        Assert.NotNull(groups[1].QuerySelector("[data-test=run-group-timed-out]"));
        Assert.Contains("web02 did not pass", groups[1].QuerySelector("[data-test=run-group-log]")!.TextContent, StringComparison.Ordinal);
        var first = page.Find("[data-test=run-lane][data-task-id='11']");
        Assert.Equal(("2 h 00 min", "30.0 s", "45.0 s"), (first.QuerySelector("[data-test=run-lane-data-age]")!.TextContent, first.QuerySelector("[data-test=run-lane-running]")!.TextContent,
            first.QuerySelector("[data-test=run-lane-check]")!.TextContent));
        Assert.Contains("stopped after 4 s", page.Find("[data-test=run-lane][data-task-id='12'] [data-test=run-lane-error]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-test=run-lane][data-task-id='13'] [data-test=stage-row]"));
        // Not every VM has passed its check: no RTO yet.
        Assert.Equal("—", page.Find("[data-test=run-rto]").TextContent);
    }

    [Theory]
    [InlineData(Roles.Viewer, DrRunStatus.Running, false)]
    [InlineData(Roles.Operator, DrRunStatus.Running, true)]
    [InlineData(Roles.Operator, DrRunStatus.PartlySucceeded, false)]
    public void RunPage_CancelButton_OnlyForAnOperatorWhileTheRunIsUnfinished(string role, DrRunStatus status, bool shown)
    {
        SignInAs(role);
        AddRun(status);
        RenderProviders();

        var page = Render<RunPage>(p => p.Add(x => x.Id, 5L));

        page.WaitForElement("[data-test=run-header]");
        Assert.Equal(shown, page.FindAll("[data-test=run-cancel]").Count == 1);
        Assert.Equal("runs/5/report", page.Find("[data-test=run-report-link]").GetAttribute("href"));
    }

    [Fact]
    public void RunPage_Cancel_AfterConfirmation_AsksTheService()
    {
        SignInAs(Roles.Operator);
        AddRun(DrRunStatus.Running);
        var provider = RenderProviders();
        var page = Render<RunPage>(p => p.Add(x => x.Id, 5L));

        page.WaitForElement("[data-test=run-cancel]").Click();
        provider.WaitForElement("[data-test=confirm-ok]").Click();

        page.WaitForAssertion(() => Assert.Equal([5L], DrRuns.Cancelled));
        page.WaitForAssertion(() => Assert.True(page.Find("[data-test=run-cancel]").HasAttribute("disabled")));
    }

    [Fact]
    public void RunPage_Unfinished_IsReadAgainUntilClosed()
    {
        SignInAs(Roles.Viewer);
        AddRun(DrRunStatus.Running);
        RenderProviders();
        var page = Render<RunPage>(p => p.Add(x => x.Id, 5L));
        page.WaitForElement("[data-test=run-header]");

        page.WaitForAssertion(() => Assert.True(DrRuns.Finds >= 2), TimeSpan.FromSeconds(5));
        page.Instance.Dispose();
        var after = DrRuns.Finds;
        Thread.Sleep(RunPage.PollInterval + TimeSpan.FromMilliseconds(500));

        Assert.Equal(after, DrRuns.Finds);
    }

    [Fact]
    public void ReportPage_OneRowPerVm_WithTimesAndTheCsvLink()
    {
        SignInAs(Roles.Viewer);
        AddRun(DrRunStatus.PartlySucceeded);
        RenderProviders();

        var page = Render<RunReportPage>(p => p.Add(x => x.Id, 5L));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-test=report-row]").Count));
        var first = page.Find("[data-test=report-row][data-task-id='11']");
        Assert.Equal(("2 h 00 min", "30.0 s", "45.0 s"), (first.QuerySelector("[data-test=report-data-age]")!.TextContent,
            first.QuerySelector("[data-test=report-running]")!.TextContent, first.QuerySelector("[data-test=report-check]")!.TextContent));
        Assert.Contains("stopped after 4 s", page.Find("[data-test=report-row][data-task-id='12']").TextContent, StringComparison.Ordinal);
        Assert.Equal("api/v1/runs/5/report.csv", page.Find("[data-test=report-csv]").GetAttribute("href"));
        Assert.Equal("partly succeeded", page.Find("[data-test=report-status]").TextContent);
    }
}
