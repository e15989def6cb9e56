using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Archives;
using DrPortal.Web.Components.Pages.Dashboard;
using DrPortal.Web.Components.Pages.Pairs;
using DrPortal.Web.Components.Pages.Tasks;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class TaskPagesTests : PortalTestContext
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);
    private readonly VmPair _pair;

    public TaskPagesTests()
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
            OverwriteExistingTarget = true,
        };
        Pairs.Pairs.Add(_pair);
    }

    [Fact]
    public void TasksPage_UpdatePublished_RowShowsNewProgressWithoutReload()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-1));
        task.CurrentStage = StageName.Pull;
        RenderProviders();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains("pve-dc1/101", page.Find("[data-test=task-row-pair]").TextContent));
        // In Pull, Backup (30 of 100) is behind it.
        Assert.Equal("30 %", page.Find("[data-test=task-percent]").TextContent.Trim());

        Feed.Publish(new TaskUpdate(task.Id, _pair.Id, task.Kind, DrTaskStatus.Running, StageName.Pull, 42, 42 * 1024 * 1024, 100 * 1024 * 1024, 8 * 1024 * 1024, null));

        // The task as a whole: 30 + 42 % of Pull's 20; the stage's own 42 % beside it.
        page.WaitForAssertion(() => Assert.Equal("38.4 %", page.Find("[data-test=task-percent]").TextContent.Trim()), Live);
        Assert.Equal("42 %", page.Find("[data-test=task-stage-percent]").TextContent.Trim());
        Assert.Contains("42 MiB of 100 MiB", page.Find("[data-test=tasks-table]").TextContent);
        Assert.Contains("8 MiB/s", page.Find("[data-test=tasks-table]").TextContent);
    }

    [Fact]
    public void TasksPage_NewTaskAndStatusChangePublished_ListFollows()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=tasks-empty]")));

        // Another tab (or the API) queues a task: the service writes the row, then publishes.
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Queued, _pair, Clock.UtcNow);
        Feed.Publish(TaskUpdate.Of(task));
        page.WaitForAssertion(() => Assert.Equal("queued", page.Find("[data-test=task-row-status]").TextContent.Trim()), Live);

        task.Status = DrTaskStatus.Succeeded;
        task.FinishedAt = Clock.UtcNow;
        Feed.Publish(TaskUpdate.Of(task));
        page.WaitForAssertion(() => Assert.Equal("succeeded", page.Find("[data-test=task-row-status]").TextContent.Trim()), Live);
    }

    [Fact]
    public void TasksPage_Closed_UnsubscribesFromTheFeed()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();
        var page = Render<TasksPage>();
        Assert.Equal(1, Feed.SubscriberCount);

        page.Instance.Dispose();

        Assert.Equal(0, Feed.SubscriberCount);
    }

    [Fact]
    public void PairsPage_Viewer_SeesNoBackupReplicateOrRestore()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Contains("pve-dc1", page.Find("[data-test=pair-row-source]").TextContent));
        Assert.Empty(page.FindAll("[data-test=pair-backup]"));
        Assert.Empty(page.FindAll("[data-test=pair-replicate]"));
        Assert.Empty(page.FindAll("[data-test=pair-restore]"));
    }

    [Fact]
    public void PairsPage_Operator_SeesBackupReplicateAndRestore()
    {
        SignInAs(Roles.Operator);
        RenderProviders();

        var page = Render<PairsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=pair-backup]")));
        Assert.Single(page.FindAll("[data-test=pair-replicate]"));
        Assert.Single(page.FindAll("[data-test=pair-restore]"));
    }

    [Theory]
    [InlineData(Roles.Viewer, 0)]
    [InlineData(Roles.Operator, 1)]
    public void TasksPage_CancelButton_OnlyForOperatorsOnUnfinishedTasks(string role, int expected)
    {
        SignInAs(role);
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow.AddHours(-1));
        Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, Clock.UtcNow);
        RenderProviders();

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=task-row-status]").Count));
        Assert.Equal(expected, page.FindAll("[data-test=task-cancel]").Count);
    }

    [Theory]
    [InlineData(Roles.Viewer, 0)]
    [InlineData(Roles.Operator, 1)]
    public void TaskDetailPage_CancelButton_OnlyForOperators(string role, int expected)
    {
        SignInAs(role);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, Clock.UtcNow);
        RenderProviders();

        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));

        page.WaitForAssertion(() => Assert.Equal(7, page.FindAll("[data-test=stage-row]").Count));
        Assert.Equal(expected, page.FindAll("[data-test=task-cancel]").Count);
    }

    [Fact]
    public void TaskDetailPage_FailedTask_OperatorRetries_AndThePageShowsItQueuedAgain()
    {
        SignInAs(Roles.Operator);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Failed, _pair, Clock.UtcNow);
        RenderProviders();
        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=task-retry]")));

        page.ClickWhenStable("[data-test=task-retry]");

        page.WaitForAssertion(() => Assert.Equal([task.Id], Tasks.Retried), Live);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=task-cancel]")), Live);
        Assert.Empty(page.FindAll("[data-test=task-retry]"));
    }

    [Fact]
    public void TaskDetailPage_FailedTask_ViewerSeesNoRetry()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Failed, _pair, Clock.UtcNow);
        RenderProviders();

        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));

        page.WaitForAssertion(() => Assert.Equal(7, page.FindAll("[data-test=stage-row]").Count));
        Assert.Empty(page.FindAll("[data-test=task-retry]"));
    }

    [Theory]
    [InlineData(Roles.Viewer, 0)]
    [InlineData(Roles.Operator, 1)]
    public void ArchivesPage_DeleteAndRestoreThis_OnlyForOperators(string role, int expected)
    {
        SignInAs(role);
        Archives.Archives.Add(Archive(1, Clock.UtcNow.AddDays(-1), verified: true));
        RenderProviders();

        var page = Render<ArchivesPage>();

        page.WaitForAssertion(() => Assert.Contains("vzdump-qemu-101-1", page.Find("[data-test=archive-row-file]").TextContent));
        Assert.Equal(expected, page.FindAll("[data-test=archive-delete]").Count);
        Assert.Equal(expected, page.FindAll("[data-test=archive-restore]").Count);
    }

    [Fact]
    public async Task RestoreDialog_MixedArchives_ListsNewestFirstAndPreselectsTheNewestVerified()
    {
        SignInAs(Roles.Operator);
        // Out of order on purpose; the newest one has no verified repository copy and cannot be restored.
        Archives.Archives.Add(Archive(1, Clock.UtcNow.AddDays(-3), verified: true));
        Archives.Archives.Add(Archive(3, Clock.UtcNow.AddHours(-1), verified: false));
        Archives.Archives.Add(Archive(2, Clock.UtcNow.AddDays(-1), verified: true));
        var provider = RenderProviders();

        var dialog = await ShowDialogAsync(provider, new DialogParameters<RestoreDialog> { { d => d.Pair, _pair } });

        provider.WaitForAssertion(() => Assert.Equal(3, provider.FindAll("[data-test=restore-archive]").Count));
        var rows = provider.FindAll("[data-test=restore-archive]");
        Assert.Equal(["3", "2", "1"], rows.Select(r => r.GetAttribute("data-archive-id")));
        Assert.Equal(["false", "true", "false"], rows.Select(r => r.GetAttribute("data-selected")));
        Assert.Contains("VM 9101 on pve-dr1", provider.Find("[data-test=restore-warning]").TextContent);
        Assert.Contains("Overwrite is ON", provider.Find("[data-test=restore-warning]").TextContent);

        provider.ClickWhenStable("[data-test=restore-confirm]");

        var result = await dialog.Result.WaitAsync(Live);
        Assert.Equal(2L, result!.Data);
    }

    [Fact]
    public void PairsPage_ReplicateConfirmed_RequestsAndLinksTheTask_SecondTimeSaysAlreadyRunning()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<PairsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=pair-replicate]")));

        page.ClickWhenStable("[data-test=pair-replicate]");
        provider.WaitForAssertion(() => Assert.Contains("VM 9101 on pve-dr1", provider.Find("[data-test=confirm-dialog]").TextContent));
        Assert.Contains("Overwrite is ON", provider.Find("[data-test=confirm-dialog]").TextContent);
        provider.ClickWhenStable("[data-test=confirm-ok]");

        snackbars.WaitForAssertion(() => Assert.Equal("tasks/1", snackbars.Find("[data-test=task-request-link]").GetAttribute("href")));
        Assert.Equal([(1, DrTaskKind.Replicate, (long?)null)], Tasks.Requests);

        page.ClickWhenStable("[data-test=pair-replicate]");
        provider.WaitForAssertion(() => provider.ClickWhenStable("[data-test=confirm-ok]"));

        snackbars.WaitForAssertion(() => Assert.Contains("already running", snackbars.Find("[data-test=task-request-notice][data-created=false]").TextContent));
        Assert.Single(Tasks.Tasks);
    }

    [Fact]
    public void PairsPage_ReplicateThePreflightRefuses_SaysWhyAndCannotBeConfirmed()
    {
        SignInAs(Roles.Operator);
        Preflight.Report = new PreflightReport(
            [new PreflightCheck("Recovery target", PreflightStatus.Failed, "VM 9101 on pve-dr1 exists and was not created by this pair.")],
            TargetFate.Refused, "VM 9101 on pve-dr1 exists and was not created by this pair.");
        var provider = RenderProviders();
        var page = Render<PairsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=pair-replicate]")));

        page.ClickWhenStable("[data-test=pair-replicate]");

        provider.WaitForAssertion(() => Assert.Equal("Refused", provider.Find("[data-test=preflight-target]").GetAttribute("data-fate")));
        Assert.Contains("was not created by this pair", provider.Find("[data-test=preflight-target]").TextContent);
        Assert.Equal("Failed", provider.Find("[data-test=preflight-check]").GetAttribute("data-status"));
        Assert.NotNull(provider.Find("[data-test=preflight-blocked]"));
        Assert.True(provider.Find("[data-test=confirm-ok]").HasAttribute("disabled"));
        Assert.Equal([(1, DrTaskKind.Replicate)], Preflight.Asked);
        Assert.Empty(Tasks.Requests);
    }

    [Fact]
    public void PairsPage_ReplicateOverItsOwnReplica_StatesThatItIsReplaced()
    {
        SignInAs(Roles.Operator);
        Preflight.Report = new PreflightReport([], TargetFate.ReplacesOwnReplica, "VM 9101 on pve-dr1 is this pair's replica: it is replaced.");
        var provider = RenderProviders();
        var page = Render<PairsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=pair-replicate]")));

        page.ClickWhenStable("[data-test=pair-replicate]");

        provider.WaitForAssertion(() => Assert.Contains("is this pair's replica: it is replaced", provider.Find("[data-test=preflight-target]").TextContent));
        Assert.False(provider.Find("[data-test=confirm-ok]").HasAttribute("disabled"));
    }

    [Fact]
    public void PairsPage_ReplicateDismissed_RequestsNothing()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        var page = Render<PairsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=pair-replicate]")));

        page.ClickWhenStable("[data-test=pair-replicate]");
        provider.WaitForAssertion(() => provider.ClickWhenStable("[data-test=confirm-cancel]"));

        provider.WaitForAssertion(() => Assert.Empty(provider.FindAll("[data-test=confirm-dialog]")));
        Assert.Empty(Tasks.Requests);
    }

    [Fact]
    public void TaskDetailPage_FailedTask_ShowsErrorOutputStagesAndLog()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-5));
        task.Fail("vzdump failed: unable to find VM '101'", ["INFO: starting new backup job", "ERROR: unable to find VM '101'"], Clock.UtcNow);
        task.Stage(StageName.Backup).Status = StageStatus.Failed;
        Tasks.Log.Add(new DrTaskLogLine { Id = 1, DrTaskId = task.Id, At = Clock.UtcNow, Line = "== Backup" });
        Tasks.Log.Add(new DrTaskLogLine { Id = 2, DrTaskId = task.Id, At = Clock.UtcNow, Line = "ERROR: unable to find VM '101'" });
        RenderProviders();

        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".task-log-line").Count), Live);
        Assert.Contains("unable to find VM '101'", page.Find("[data-test=task-error]").TextContent);
        Assert.Contains("INFO: starting new backup job", page.Find("[data-test=task-error-output]").TextContent);
        Assert.Equal("Failed", page.Find("[data-test=stage-row][data-stage=Backup]").GetAttribute("data-status"));
        Assert.Equal("failed", page.Find("[data-test=task-status]").TextContent.Trim());
    }

    [Fact]
    public void TaskLog_LongLog_KeepsTheLastLinesInThePage()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow);
        for (var i = 1; i <= TaskLog.MaxLines + 500; i++)
        {
            Tasks.Log.Add(new DrTaskLogLine { Id = i, DrTaskId = task.Id, At = Clock.UtcNow, Line = $"line {i}" });
        }

        var log = Render<TaskLog>(p => p.Add(c => c.TaskId, task.Id).Add(c => c.Active, false));

        log.WaitForAssertion(() => Assert.Contains("500 earlier line(s)", log.Find("[data-test=task-log-dropped]").TextContent), Live);
        var lines = log.FindAll(".task-log-line");
        Assert.Equal(TaskLog.MaxLines, lines.Count);
        Assert.EndsWith("line 501", lines[0].TextContent, StringComparison.Ordinal);
        Assert.EndsWith($"line {TaskLog.MaxLines + 500}", lines[^1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskLog_RunningTask_AppendsLinesAsTheyArrive()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, _pair, Clock.UtcNow);
        Tasks.Log.Add(new DrTaskLogLine { Id = 1, DrTaskId = task.Id, At = Clock.UtcNow, Line = "== Backup" });
        var log = Render<TaskLog>(p => p.Add(c => c.TaskId, task.Id).Add(c => c.Active, true));
        log.WaitForAssertion(() => Assert.Single(log.FindAll(".task-log-line")), Live);

        lock (Tasks.Log)
        {
            Tasks.Log.Add(new DrTaskLogLine { Id = 2, DrTaskId = task.Id, At = Clock.UtcNow, Line = "INFO: status: 50%" });
        }

        log.WaitForAssertion(() => Assert.Equal(2, log.FindAll(".task-log-line").Count), Live);
        Assert.EndsWith("INFO: status: 50%", log.FindAll(".task-log-line")[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskOverview_MixedTasks_ShowsRunningLastResultAndTodaysFailuresOnly()
    {
        SignInAs(Roles.Viewer);
        var old = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Failed, _pair, Clock.UtcNow.AddDays(-3));
        old.FinishedAt = Clock.UtcNow.AddDays(-3);
        var recent = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Failed, _pair, Clock.UtcNow.AddHours(-2));
        recent.Error = "qmrestore failed";
        recent.FinishedAt = Clock.UtcNow.AddHours(-2);
        var running = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-1));
        RenderProviders();

        var overview = Render<TaskOverview>();

        overview.WaitForAssertion(() => Assert.Single(overview.FindAll("[data-test=dashboard-failure]")));
        Assert.Contains($"#{recent.Id}", overview.Find("[data-test=dashboard-failure]").TextContent);
        Assert.Contains("qmrestore failed", overview.Find("[data-test=dashboard-failure]").TextContent);
        Assert.Equal(running.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(overview.FindAll("[data-test=dashboard-running-row]")).GetAttribute("data-task-id"));
        Assert.Contains("running", overview.Find("[data-test=dashboard-pair-row]").TextContent);

        running.Status = DrTaskStatus.Succeeded;
        running.FinishedAt = Clock.UtcNow;
        Feed.Publish(TaskUpdate.Of(running));

        overview.WaitForAssertion(() => Assert.NotNull(overview.Find("[data-test=dashboard-running-none]")), Live);
        Assert.Contains("succeeded", overview.Find("[data-test=dashboard-pair-row]").TextContent);
    }

    [Fact]
    public void ArchivesPage_TaskFinishes_ListShowsItsNewArchive()
    {
        SignInAs(Roles.Viewer);
        RenderProviders();
        var page = Render<ArchivesPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=archives-empty]")));

        Archives.Archives.Add(Archive(1, Clock.UtcNow, verified: true));
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow);
        Feed.Publish(TaskUpdate.Of(task));

        page.WaitForAssertion(() => Assert.Contains("vzdump-qemu-101-1", page.Find("[data-test=archive-row-file]").TextContent), Live);
    }

    [Fact]
    public void ArchivesPage_DeleteRefused_ShowsTheStoresReason()
    {
        SignInAs(Roles.Operator);
        Archives.Archives.Add(Archive(1, Clock.UtcNow, verified: true));
        Archives.NextDeleteResult = Result<Archive>.Conflict("Archive vzdump-qemu-101-1.vma.zst is in use by task(s) #7; wait for them or cancel them first.");
        var provider = RenderProviders();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<ArchivesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=archive-delete]")));

        page.ClickWhenStable("[data-test=archive-delete]");
        provider.WaitForAssertion(() => provider.ClickWhenStable("[data-test=confirm-ok]"));

        snackbars.WaitForAssertion(() => Assert.Contains("in use by task(s) #7", snackbars.Markup));
        Assert.Equal([1L], Archives.Deleted);
    }

    [Fact]
    public void TasksPage_RunningTask_ShowsTheTasksOverallProgressAndEta()
    {
        SignInAs(Roles.Viewer);
        var task = RunningReplicate();
        RenderProviders();

        var page = Render<TasksPage>();

        // Backup, Pull and Push (70 of 100) done, Restore (25) half way.
        page.WaitForAssertion(() => Assert.Equal("82.5 %", page.Find("[data-test=task-percent]").TextContent.Trim()));
        Assert.Equal("50 %", page.Find("[data-test=task-stage-percent]").TextContent.Trim());
        Assert.NotEmpty(page.Find("[data-test=task-eta]").TextContent.Trim());
        Assert.Equal(task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Find("[data-test=task-row-link]").TextContent.Trim().TrimStart('#'));
    }

    [Fact]
    public void TaskOverview_ManyPairs_ListsTenNeedingAttentionFirstAndCountsTheRest()
    {
        SignInAs(Roles.Viewer);
        // 30 pairs: 25 whose last run succeeded (pair 2 the longest ago), 2 never run, 1 running, 2 failed (pair 30 the newest failure).
        var pairs = Enumerable.Range(2, 29).Select(id => new VmPair
        {
            Id = id,
            SourceHypervisor = _pair.SourceHypervisor,
            SourceHypervisorId = _pair.SourceHypervisorId,
            SourceVm = (100 + id).ToString(System.Globalization.CultureInfo.InvariantCulture),
            TargetHypervisor = _pair.TargetHypervisor,
            TargetHypervisorId = _pair.TargetHypervisorId,
            TargetVm = (9100 + id).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        Pairs.Pairs.AddRange(pairs);
        foreach (var pair in Pairs.Pairs.Where(p => p.Id <= 25))
        {
            Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, pair, Clock.UtcNow.AddHours(-30 + pair.Id));
        }
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, pairs.Single(p => p.Id == 28), Clock.UtcNow.AddMinutes(-1));
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Failed, pairs.Single(p => p.Id == 29), Clock.UtcNow.AddHours(-5));
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Failed, pairs.Single(p => p.Id == 30), Clock.UtcNow.AddHours(-1));
        RenderProviders();

        var overview = Render<TaskOverview>();

        overview.WaitForAssertion(() => Assert.Equal(PairAttention.Shown, overview.FindAll("[data-test=dashboard-pair-row]").Count));
        var shown = overview.FindAll("[data-test=dashboard-pair-row]").Select(r => r.GetAttribute("data-pair-id")).ToList();
        // Failed (newest first), running, never run (26, 27), then the stalest successes (pair 1, then 2...).
        Assert.Equal(["30", "29", "28", "26", "27", "1", "2", "3", "4", "5"], shown);
        Assert.Contains("failed", overview.FindAll("[data-test=dashboard-pair-row]")[0].TextContent);
        var rest = overview.Find("[data-test=dashboard-pairs-rest]").TextContent;
        Assert.Contains("and 20 more: 20 succeeded", rest);
        Assert.Equal("pairs", overview.Find("[data-test=dashboard-pairs-all]").GetAttribute("href"));
    }

    [Fact]
    public void TaskOverview_FewPairs_ListsThemAllWithoutASummary()
    {
        SignInAs(Roles.Viewer);
        Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow.AddHours(-1));
        RenderProviders();

        var overview = Render<TaskOverview>();

        overview.WaitForAssertion(() => Assert.Single(overview.FindAll("[data-test=dashboard-pair-row]")));
        Assert.Empty(overview.FindAll("[data-test=dashboard-pairs-rest]"));
    }

    [Fact]
    public void ArchivesPage_ThousandsOfPoints_ReadsOnePageFromTheServerWithTheTotals()
    {
        SignInAs(Roles.Viewer);
        for (var i = 1; i <= 60; i++)
        {
            var point = Archive(i, Clock.UtcNow.AddHours(-i), verified: true);
            point.SizeBytes = 1024 * 1024;
            Archives.Archives.Add(point);
        }
        RenderProviders();

        var page = Render<ArchivesPage>();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-test=archive-row-file]").Count));
        Assert.Equal([new ListWindow(0, 25)], Archives.Pages);
        Assert.Contains("60 archive(s), 60 MiB", page.Find("[data-test=archives-total]").TextContent);
        Assert.Contains("vzdump-qemu-101-1.", page.FindAll("[data-test=archive-row-file]")[0].TextContent);

        page.InvokeAsync(() => page.FindComponent<MudTable<Archive>>().Instance.NavigateTo(Page.Next));

        page.WaitForAssertion(() => Assert.Contains("vzdump-qemu-101-26.", page.FindAll("[data-test=archive-row-file]")[0].TextContent));
        Assert.Equal(new ListWindow(25, 25), Archives.Pages[^1]);
    }

    [Fact]
    public void TaskOverview_RunningTask_ShowsTheTasksOverallProgress()
    {
        SignInAs(Roles.Viewer);
        RunningReplicate();
        RenderProviders();

        var overview = Render<TaskOverview>();

        overview.WaitForAssertion(() => Assert.Equal("82.5 %", overview.Find("[data-test=dashboard-running-row] [data-test=task-percent]").TextContent.Trim()));
        Assert.Equal("Restore 5/7:", overview.Find("[data-test=task-stage-name]").TextContent.Trim());
    }

    [Fact]
    public void TaskDetailPage_VerifyPhasePublished_ShowsVerifyingWithoutEta()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-2));
        task.BeginStage(task.Stage(StageName.Backup), Clock.UtcNow.AddMinutes(-2));
        task.EndStage(task.Stage(StageName.Backup), StageStatus.Succeeded, Clock.UtcNow.AddMinutes(-1));
        task.BeginStage(task.Stage(StageName.Pull), Clock.UtcNow.AddMinutes(-1));
        RenderProviders();
        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=task-progress]")));

        // The transfer ends (all bytes, a rate still known), then the runner hashes both copies.
        const long size = 32L * 1024 * 1024;
        Feed.Publish(new TaskUpdate(task.Id, _pair.Id, task.Kind, DrTaskStatus.Running, StageName.Pull, 100, size, size, null, null, "the repository copy"));

        page.WaitForAssertion(() => Assert.Contains("Verifying SHA-256", page.Find("[data-test=task-verifying]").TextContent), Live);
        Assert.Empty(page.FindAll("[data-test=task-stage-eta]"));
        Assert.Empty(page.FindAll("[data-test=task-eta]"));
        Assert.DoesNotContain("ETA", page.Find("[data-test=task-progress]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskDetailPage_PullVerifiesTheArchive_ItsSizeIsShownFromTheLiveUpdate()
    {
        SignInAs(Roles.Viewer);
        var archive = Archive(1, Clock.UtcNow, verified: false);
        archive.SizeBytes = 0;
        Archives.Archives.Add(archive);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-2));
        task.ArchiveId = archive.Id;
        task.BeginStage(task.Stage(StageName.Backup), Clock.UtcNow.AddMinutes(-2));
        task.EndStage(task.Stage(StageName.Backup), StageStatus.Succeeded, Clock.UtcNow.AddMinutes(-1));
        task.BeginStage(task.Stage(StageName.Pull), Clock.UtcNow.AddMinutes(-1));
        RenderProviders();
        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));
        page.WaitForAssertion(() => Assert.Contains("vzdump-qemu-101-1", page.Find("[data-test=task-archive]").TextContent));
        Assert.DoesNotContain("0 B", page.Find("[data-test=task-archive]").TextContent, StringComparison.Ordinal);

        // Pull verifies the copy and records its size; the runner moves on to Push and says so on the feed.
        archive.SizeBytes = 48L * 1024 * 1024;
        archive.InRepository = true;
        archive.Files[0].Sha256 = new string('a', 64);
        task.EndStage(task.Stage(StageName.Pull), StageStatus.Succeeded, Clock.UtcNow);
        task.BeginStage(task.Stage(StageName.Push), Clock.UtcNow);
        Feed.Publish(TaskUpdate.Of(task, "== Push"));

        page.WaitForAssertion(() => Assert.Contains("48 MiB", page.Find("[data-test=task-archive-size]").TextContent), Live);
    }

    [Fact]
    public void TaskDetailPage_RetriedStage_ShowsTheLastAttemptsDurationAndItsNumber()
    {
        SignInAs(Roles.Viewer);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, _pair, Clock.UtcNow.AddHours(-3));
        var backup = task.Stage(StageName.Backup);
        task.BeginStage(backup, Clock.UtcNow.AddHours(-3));
        task.Fail("pve-dc1 unreachable", null, Clock.UtcNow.AddHours(-3).AddMinutes(1));
        // Retried three hours later; this attempt took 45 s.
        task.Retry("operator");
        task.MarkStarted(Clock.UtcNow.AddMinutes(-1));
        task.BeginStage(backup, Clock.UtcNow.AddMinutes(-1));
        task.EndStage(backup, StageStatus.Succeeded, Clock.UtcNow.AddMinutes(-1).AddSeconds(45));
        RenderProviders();

        var page = Render<TaskDetailPage>(p => p.Add(c => c.Id, task.Id));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-test=stage-row]").Count));
        var row = page.Find("[data-test=stage-row][data-stage=Backup]");
        Assert.Equal("45 s", row.QuerySelector("[data-test=stage-duration]")!.TextContent.Trim());
        Assert.Equal("attempt 2", row.QuerySelector("[data-test=stage-attempts]")!.TextContent.Trim());
    }

    /// <summary>A Replicate half way through Restore, each earlier stage done in a minute.</summary>
    private DrTask RunningReplicate()
    {
        var start = Clock.UtcNow.AddMinutes(-4);
        var task = Tasks.Add(DrTaskKind.Replicate, DrTaskStatus.Running, _pair, start);
        foreach (var (name, i) in new[] { StageName.Backup, StageName.Pull, StageName.Push }.Select((n, i) => (n, i)))
        {
            task.BeginStage(task.Stage(name), start.AddMinutes(i));
            task.EndStage(task.Stage(name), StageStatus.Succeeded, start.AddMinutes(i + 1));
        }
        task.BeginStage(task.Stage(StageName.Restore), start.AddMinutes(3));
        task.Percent = 50;
        return task;
    }

    private Archive Archive(long id, DateTimeOffset createdAt, bool verified) => new()
    {
        Id = id,
        VmPairId = _pair.Id,
        SourceHypervisorId = _pair.SourceHypervisorId,
        SourceHypervisorName = "pve-dc1",
        SourceVm = "101",
        Label = $"vzdump-qemu-101-{id}.vma.zst",
        SizeBytes = 32L * 1024 * 1024,
        Files = [new ArchiveFile { Name = $"vzdump-qemu-101-{id}.vma.zst", Role = "archive", SizeBytes = 32L * 1024 * 1024, Sha256 = verified ? new string('a', 64) : null }],
        CreatedAt = createdAt,
        InRepository = verified,
        OnRecovery = verified,
    };
}
