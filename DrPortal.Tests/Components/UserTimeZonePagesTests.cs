using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Archives;
using DrPortal.Web.Components.Pages.Audit;
using DrPortal.Web.Components.Pages.Dashboard;
using DrPortal.Web.Components.Pages.Tasks;
using DrPortal.Web.Components.Shared;

namespace DrPortal.Tests.Components;

/// <summary>
/// Tasks, task, dashboard, archives and audit pages show times in the zone the layout cascades, with their ISO date:
/// 23:30 UTC on 2 December is already 3 December in Berlin, so a page still in UTC (or without the date) fails.
/// </summary>
public class UserTimeZonePagesTests : PortalTestContext
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset LateEvening = new(2026, 12, 2, 23, 30, 5, TimeSpan.Zero);
    private static readonly UserTimeZone Berlin = UserTimeZone.FromId("Europe/Berlin");
    private readonly VmPair _pair;

    public UserTimeZonePagesTests()
    {
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery, "SHA256:pinned");
        _pair = new VmPair
        {
            Id = 1,
            SourceHypervisor = dc,
            SourceHypervisorId = dc.Id,
            SourceVm = "101",
            TargetHypervisor = dr,
            TargetHypervisorId = dr.Id,
            TargetVm = "9101",
        };
        Pairs.Pairs.Add(_pair);
    }

    [Fact]
    public void TasksPage_UserInBerlin_ShowsStartedInTheirZoneWithTheDate()
    {
        SignInAs(Roles.Viewer);
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, LateEvening);
        RenderProviders();

        var page = Render<TasksPage>(p => p.AddCascadingValue(Berlin));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30", page.Find("[data-test=task-row-started]").TextContent.Trim()), Live);
        Assert.Equal("2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", page.Find("[data-test=task-row-started]").GetAttribute("title"));
    }

    [Fact]
    public void TaskDetailPage_UserInBerlin_ShowsTaskAndStageTimesInTheirZone()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, LateEvening);
        var backup = task.Stage(StageName.Backup);
        backup.Status = StageStatus.Succeeded;
        backup.StartedAt = LateEvening;
        backup.FinishedAt = LateEvening.AddMinutes(1);
        RenderProviders();

        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id).AddCascadingValue(Berlin));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30:05", page.Find("[data-test=task-started]").TextContent.Trim()), Live);
        Assert.Equal("2026-12-03 00:32:05", page.Find("[data-test=task-finished]").TextContent.Trim());
        Assert.Contains("operator", page.Find("[data-test=task-requested-by]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-12-03 00:30:05", page.Find("[data-test=task-requested-by]").TextContent, StringComparison.Ordinal);
        var cells = page.Find("[data-test=stage-row][data-stage=Backup]").QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains("2026-12-03 00:30", cells);
        Assert.Contains("2026-12-03 00:31", cells);
    }

    [Fact]
    public void TaskLog_UserInBerlin_DatesTheFirstLineAndEachNewDayOnly()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, LateEvening);
        // 22:50 UTC is 23:50 on 2 December in Berlin; 23:20 and 23:30 UTC are 3 December there.
        Tasks.Log.Add(new DrTaskLogLine { Id = 1, DrTaskId = task.Id, At = LateEvening.AddMinutes(-40), Line = "== Preflight" });
        Tasks.Log.Add(new DrTaskLogLine { Id = 2, DrTaskId = task.Id, At = LateEvening.AddMinutes(-10), Line = "== Backup" });
        Tasks.Log.Add(new DrTaskLogLine { Id = 3, DrTaskId = task.Id, At = LateEvening, Line = "== Pull" });

        var log = Render<TaskLog>(p => p.Add(c => c.TaskId, task.Id).Add(c => c.Active, false).AddCascadingValue(Berlin));

        log.WaitForAssertion(() => Assert.Equal(3, log.FindAll("[data-test=task-log-time]").Count), Live);
        var stamps = log.FindAll("[data-test=task-log-time]").Select(t => t.TextContent).ToList();
        Assert.Equal(["2026-12-02 23:50:05", "2026-12-03 00:20:05", "00:30:05"], stamps);
        Assert.Equal("2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", log.FindAll("[data-test=task-log-time]")[2].GetAttribute("title"));
    }

    [Fact]
    public void DashboardPage_UserInBerlin_ShowsRecentActivityAndLastRunInTheirZone()
    {
        SignInAs(Roles.Viewer);
        Audit.Entries.Add(new AuditEntry { Id = 1, At = LateEvening, Actor = "olga", Action = "update", EntityType = "VmPair", EntityId = "1", Summary = "Changed pair" });
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Succeeded, _pair, LateEvening.AddMinutes(-2));
        RenderProviders();

        var page = Render<DashboardPage>(p => p.AddCascadingValue(Berlin));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30", page.Find("[data-test=recent-when]").TextContent.Trim()), Live);
        Assert.Contains("olga", page.Find("[data-test=recent-entry]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(
            "2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", page.Find("[data-test=dashboard-pair-when]").GetAttribute("title")), Live);
        Assert.Contains($"#{task.Id} Replicate", page.Find("[data-test=dashboard-pair-last]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchivesPage_UserInBerlin_ShowsMadeInTheirZoneWithTheDate()
    {
        SignInAs(Roles.Viewer);
        Archives.Archives.Add(new Archive
        {
            Id = 1,
            VmPairId = 1,
            SourceHypervisorName = "pve-dc1",
            SourceVm = "101",
            Label = "vzdump-qemu-101-2026_12_02-23_30_05.vma.zst",
            CreatedAt = LateEvening,
            InRepository = true,
            Files = [new ArchiveFile { Name = "vzdump-qemu-101-2026_12_02-23_30_05.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('b', 64) }],
        });
        RenderProviders();

        var page = Render<ArchivesPage>(p => p.AddCascadingValue(Berlin));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30", page.Find("[data-test=archive-row-made]").TextContent.Trim()), Live);
        Assert.Equal("2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", page.Find("[data-test=archive-row-made]").GetAttribute("title"));
    }

    [Fact]
    public void AuditPage_UserInBerlin_ShowsWhenInTheirZoneWithTheDate()
    {
        SignInAs(Roles.Viewer);
        Audit.Entries.Add(new AuditEntry { Id = 1, At = LateEvening, Actor = "olga", Action = "update", EntityType = "VmPair", EntityId = "1", Summary = "Changed pair" });
        RenderProviders();

        var page = Render<AuditLogPage>(p => p.AddCascadingValue(Berlin));

        page.WaitForAssertion(() => Assert.Equal("2026-12-03 00:30:05", page.Find("[data-test=audit-when]").TextContent.Trim()), Live);
        Assert.Equal("2026-12-03 00:30:05 UTC+01:00 (Europe/Berlin)", page.Find("[data-test=audit-when]").GetAttribute("title"));
    }
}
