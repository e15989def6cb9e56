using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Schedules;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace DrPortal.Tests.Components;

public class ScheduleComponentTests : PortalTestContext
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(5);
    private static readonly string[] ChangeButtons = ["schedule-add", "schedule-edit", "schedule-delete", "schedule-enabled"];
    private readonly VmPair _pair;
    private readonly VmPair _otherPair;

    public ScheduleComponentTests()
    {
        var dc = Hosts.Add("pve-dc1", Site.Primary);
        var dr = Hosts.Add("pve-dr1", Site.Recovery, "SHA256:pinned");
        _pair = new VmPair { Id = 1, SourceHypervisor = dc, SourceHypervisorId = dc.Id, SourceVm = "101", TargetHypervisor = dr, TargetHypervisorId = dr.Id, TargetVm = "9101" };
        _otherPair = new VmPair { Id = 2, SourceHypervisor = dc, SourceHypervisorId = dc.Id, SourceVm = "202", TargetHypervisor = dr, TargetHypervisorId = dr.Id, TargetVm = "9202" };
        Pairs.Pairs.AddRange([_pair, _otherPair]);
        // Wednesday 25 November 2026, 12:00 UTC (13:00 in Berlin).
        Clock.UtcNow = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Verified archives of the first pair, one a day from 21 November.</summary>
    private void AddDailyArchives(int days)
    {
        for (var day = 1; day <= days; day++)
        {
            Archives.Archives.Add(new Archive
            {
                Id = day,
                VmPairId = _pair.Id,
                SourceHypervisorName = "pve-dc1",
                SourceVm = "101",
                Label = $"vzdump-qemu-101-2026_11_{20 + day}-02_30_00.vma.zst",
                CreatedAt = new DateTimeOffset(2026, 11, 20 + day, 1, 30, 0, TimeSpan.Zero),
                InRepository = true,
                Files = [new ArchiveFile { Name = $"vzdump-qemu-101-2026_11_{20 + day}-02_30_00.vma.zst", Role = "archive", SizeBytes = 0, Sha256 = new string('a', 64) }],
            });
        }
    }

    private Schedule AddDaily(VmPair pair, string at = "02:30", string zone = "Europe/Berlin", bool enabled = true, RetentionPolicy? retention = null) =>
        Schedules.Add(new ScheduleInput
        {
            VmPairId = pair.Id,
            Kind = ScheduleKind.Backup,
            Timing = ScheduleTiming.Daily,
            DailyAt = at,
            TimeZone = zone,
            Enabled = enabled,
            Note = "nightly",
            Retention = retention,
        }, Clock.UtcNow.AddDays(-10));

    [Fact]
    public void SchedulesPage_ScheduleThatRan_ShowsNextRunInItsZoneAndTheLastResultWithItsTask()
    {
        SignInAs(Roles.Viewer);
        var schedule = AddDaily(_pair, retention: new RetentionPolicy(KeepLast: 7, KeepDaily: 14, KeepMonthly: 12));
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Succeeded, _pair, Clock.UtcNow.AddHours(-10.5));
        Schedules.Runs.Add(new ScheduleRun
        {
            Id = 1,
            ScheduleId = schedule.Id,
            SlotTime = new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero),
            IsCatchUp = true,
            Outcome = ScheduleRunOutcome.Queued,
            TaskId = task.Id,
        });
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=schedule-last]")));
        Assert.Contains("pve-dc1/101 → pve-dr1/9101", page.Find("[data-test=schedule-row-pair]").TextContent);
        Assert.Equal("archives?pairId=1", page.Find("[data-test=schedule-pair-archives]").GetAttribute("href"));
        Assert.Contains("daily at 02:30", page.Find("[data-test=schedule-row-timing]").TextContent);
        Assert.Contains("Europe/Berlin", page.Find("[data-test=schedule-row-timing]").TextContent);
        // 02:30 in Berlin tomorrow is 01:30 UTC: 13 h 30 min from now.
        var next = page.Find("[data-test=schedule-row-next]");
        Assert.Contains("2026-11-26 02:30", next.TextContent);
        Assert.Contains("UTC+01:00 · in 13 h", next.TextContent);
        Assert.Equal("Thu 2026-11-26 02:30 UTC+01:00", next.QuerySelector("[title]")!.GetAttribute("title"));
        var last = page.Find("[data-test=schedule-row-last]");
        Assert.Equal("succeeded", last.QuerySelector("[data-test=task-status]")!.TextContent.Trim());
        Assert.Equal($"tasks/{task.Id}", last.QuerySelector("[data-test=schedule-last-task]")!.GetAttribute("href"));
        Assert.NotNull(last.QuerySelector("[data-test=schedule-last-catch-up]"));
        Assert.Equal("last 7 · daily 14 · monthly 12", page.Find("[data-test=schedule-row-retention]").TextContent.Trim());
    }

    [Fact]
    public void SchedulesPage_LastRunFailedToQueue_ShowsWhyWithoutATask()
    {
        SignInAs(Roles.Viewer);
        var schedule = AddDaily(_pair);
        Schedules.Runs.Add(new ScheduleRun
        {
            Id = 1,
            ScheduleId = schedule.Id,
            SlotTime = Clock.UtcNow.AddHours(-2),
            Outcome = ScheduleRunOutcome.Failed,
            Message = "VM pair 1 has no verified archive.",
        });
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Equal("Failed", page.Find("[data-test=schedule-last]").GetAttribute("data-outcome")));
        Assert.Equal("could not queue", page.Find("[data-test=schedule-last-outcome]").TextContent.Trim());
        Assert.Contains("no verified archive", page.Find("[data-test=schedule-last-message]").TextContent);
        Assert.Empty(page.FindAll("[data-test=schedule-last-task]"));
    }

    [Fact]
    public void SchedulesPage_Viewer_SeesTheListWithoutAddEditDeleteOrToggle()
    {
        SignInAs(Roles.Viewer);
        AddDaily(_pair);
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Contains("daily at 02:30", page.Find("[data-test=schedule-row-timing]").TextContent));
        Assert.All(ChangeButtons, button => Assert.Empty(page.FindAll($"[data-test={button}]")));
        Assert.Equal("true", page.Find("[data-test=schedule-row-enabled]").GetAttribute("data-enabled"));
    }

    [Fact]
    public void SchedulesPage_Operator_SeesAddEditDeleteAndToggle()
    {
        SignInAs(Roles.Operator);
        AddDaily(_pair);
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-edit]")));
        Assert.All(ChangeButtons, button => Assert.Single(page.FindAll($"[data-test={button}]")));
    }

    [Fact]
    public void SchedulesPage_ToggleOff_SavesTheScheduleWithEnabledFlippedAndShowsItDisabled()
    {
        SignInAs(Roles.Operator);
        var schedule = AddDaily(_pair, retention: new RetentionPolicy(KeepLast: 3));
        RenderProviders();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-test=schedule-row-enabled]").GetAttribute("data-enabled")));

        page.Find("[data-test=schedule-row-enabled] input[type=checkbox]").Change(false);

        page.WaitForAssertion(() => Assert.Equal("false", page.Find("[data-test=schedule-row-enabled]").GetAttribute("data-enabled")), Live);
        var (id, input) = Assert.Single(Schedules.Submitted);
        Assert.Equal(schedule.Id, id);
        Assert.Equal(ScheduleInput.From(schedule) with { Enabled = false }, input);
        Assert.Contains("disabled", page.Find("[data-test=schedule-row-next]").TextContent);
        snackbars.WaitForAssertion(() => Assert.Contains($"Schedule #{schedule.Id} disabled.", snackbars.Markup));
    }

    [Fact]
    public void SchedulesPage_ToggleRefused_ReportsTheReasonAndStaysEnabled()
    {
        SignInAs(Roles.Operator);
        AddDaily(_pair);
        Schedules.NextResult = Result<Schedule>.Conflict("The schedule was changed by someone else; reload it.");
        RenderProviders();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-enabled]")));

        page.Find("[data-test=schedule-row-enabled] input[type=checkbox]").Change(false);

        snackbars.WaitForAssertion(() => Assert.Contains("changed by someone else", snackbars.Markup), Live);
        Assert.Equal("true", page.Find("[data-test=schedule-row-enabled]").GetAttribute("data-enabled"));
        // The switch itself must not show a change that was not made.
        Assert.True(page.Find("[data-test=schedule-row-enabled] input[type=checkbox]").HasAttribute("checked"));
        Assert.True(Schedules.Schedules.Single().Enabled);
    }

    [Fact]
    public void SchedulesPage_PairIdInTheQuery_ListsOnlyThatPairsSchedules()
    {
        SignInAs(Roles.Viewer);
        AddDaily(_pair, at: "01:00");
        AddDaily(_otherPair, at: "04:45");
        Services.GetRequiredService<NavigationManager>().NavigateTo("schedules?pairId=2");
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-row-timing]")));
        Assert.Contains("daily at 04:45", page.Find("[data-test=schedule-row-timing]").TextContent);
        Assert.Contains("pve-dc1/202", page.Find("[data-test=schedule-row-pair]").TextContent);
    }

    [Fact]
    public void SchedulesPage_SearchByNote_FiltersTheRows()
    {
        SignInAs(Roles.Viewer);
        AddDaily(_pair, at: "01:00");
        var weekly = Schedules.Add(new ScheduleInput { VmPairId = _otherPair.Id, Timing = ScheduleTiming.Cron, Cron = "0 3 * * 0", TimeZone = "UTC", Note = "weekly full copy" }, Clock.UtcNow);
        RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=schedule-row-timing]").Count));

        page.Find("[data-test=schedules-search]").Input("full copy");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-row-timing]")));
        Assert.Equal(weekly.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Find("[data-test=schedule-row-pair]").GetAttribute("data-schedule-id"));
        Assert.Contains("cron 0 3 * * 0", page.Find("[data-test=schedule-row-timing]").TextContent);
    }

    [Fact]
    public void SchedulesPage_NoSchedules_SaysSoAndHowToAddOne()
    {
        SignInAs(Roles.Operator);
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Contains("No schedules yet", page.Find("[data-test=schedules-empty]").TextContent));
        Assert.Contains("Add one", page.Find("[data-test=schedules-empty]").TextContent);
    }

    [Fact]
    public void SchedulesPage_LastRunsTaskFinishes_StatusFollowsWithoutReload()
    {
        SignInAs(Roles.Viewer);
        var schedule = AddDaily(_pair);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Running, _pair, Clock.UtcNow.AddMinutes(-5));
        Schedules.Runs.Add(new ScheduleRun { Id = 1, ScheduleId = schedule.Id, SlotTime = Clock.UtcNow.AddMinutes(-5), Outcome = ScheduleRunOutcome.Queued, TaskId = task.Id });
        RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.StartsWith("running", page.Find("[data-test=task-status]").TextContent.Trim(), StringComparison.Ordinal));

        task.Status = DrTaskStatus.Failed;
        Feed.Publish(TaskUpdate.Of(task));

        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-test=task-status]").TextContent.Trim()), Live);
    }

    [Fact]
    public void SchedulesPage_SlotFires_TheNewRunAndItsTaskAppearWithoutReload()
    {
        SignInAs(Roles.Viewer);
        var schedule = AddDaily(_pair);
        RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=schedule-last-none]")));

        // The trigger claims the slot, then requests the task: the page may hear of the task before the run names it.
        var run = new ScheduleRun { Id = 1, ScheduleId = schedule.Id, SlotTime = Clock.UtcNow, Outcome = ScheduleRunOutcome.Claimed };
        Schedules.Runs.Add(run);
        var task = Tasks.Add(DrTaskKind.Backup, DrTaskStatus.Queued, _pair, Clock.UtcNow);
        Feed.Publish(TaskUpdate.Of(task));
        page.WaitForAssertion(() => Assert.Equal("starting", page.Find("[data-test=schedule-last-outcome]").TextContent.Trim()), Live);

        run.Outcome = ScheduleRunOutcome.Queued;
        run.TaskId = task.Id;
        task.Status = DrTaskStatus.Running;
        Feed.Publish(TaskUpdate.Of(task));

        page.WaitForAssertion(() => Assert.Equal($"tasks/{task.Id}", page.Find("[data-test=schedule-last-task]").GetAttribute("href")), Live);
        Assert.StartsWith("running", page.Find("[data-test=task-status]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void SchedulesPage_DeleteConfirmed_DeletesAndEmptiesTheList()
    {
        SignInAs(Roles.Operator);
        var schedule = AddDaily(_pair);
        var provider = RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-delete]")));

        page.ClickWhenStable("[data-test=schedule-delete]");
        provider.WaitForAssertion(() => Assert.Contains("daily at 02:30", provider.Find("[data-test=confirm-dialog]").TextContent));
        provider.ClickWhenStable("[data-test=confirm-ok]");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-test=schedules-empty]")), Live);
        Assert.Equal([schedule.Id], Schedules.Deleted);
    }

    [Fact]
    public void SchedulesPage_PruneNowConfirmed_NamesWhatGoesAndAppliesTheSchedulesRetention()
    {
        SignInAs(Roles.Operator);
        AddDailyArchives(3);
        var schedule = AddDaily(_pair, retention: new RetentionPolicy(KeepLast: 1));
        AddDaily(_otherPair);
        var provider = RenderProviders();
        var page = Render<SchedulesPage>();
        // Only a schedule with a policy has something to prune by.
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=schedule-prune]")));

        page.ClickWhenStable("[data-test=schedule-prune]");
        provider.WaitForAssertion(() => Assert.Contains("Delete 2 of 3 archive(s)", provider.Find("[data-test=confirm-dialog]").TextContent));
        Assert.Contains("vzdump-qemu-101-2026_11_21-02_30_00.vma.zst", provider.Find("[data-test=confirm-dialog]").TextContent);
        Assert.Empty(Pruner.Pruned);
        provider.ClickWhenStable("[data-test=confirm-ok]");

        page.WaitForAssertion(() => Assert.Equal([(schedule.Id, "tester")], Pruner.Pruned), Live);
    }

    [Fact]
    public async Task ScheduleDialog_ValidDailyTime_ShowsTheNextFiveRunsAtThatTime()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<ScheduleDialog> { { d => d.PairId, _pair.Id } });
        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("[data-test=schedule-daily-at]")));

        provider.Find("[data-test=schedule-daily-at]").Input("03:15");

        provider.WaitForAssertion(() => Assert.Equal(5, provider.FindAll("[data-test=schedule-preview-run]").Count));
        var runs = provider.FindAll("[data-test=schedule-preview-run]");
        Assert.All(runs, run => Assert.Contains(" 03:15 ", run.TextContent, StringComparison.Ordinal));
        Assert.Contains("2026-11-26", runs[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-30", runs[4].TextContent, StringComparison.Ordinal);
        Assert.Empty(provider.FindAll("[data-test=schedule-preview-invalid]"));
    }

    [Fact]
    public async Task ScheduleDialog_DailyAcrossSpringForward_ShowsTheNewOffsetAndTheSkippedTimeAtThree()
    {
        SignInAs(Roles.Operator);
        // Berlin moves from UTC+01:00 to UTC+02:00 at 02:00 on Sunday 28 March 2027: 02:30 does not exist that day.
        Clock.UtcNow = new DateTimeOffset(2027, 3, 26, 12, 0, 0, TimeSpan.Zero);
        var schedule = AddDaily(_pair, at: "02:30", zone: "Europe/Berlin");
        var provider = RenderProviders();

        await ShowDialogAsync(provider, new DialogParameters<ScheduleDialog> { { d => d.Schedule, schedule } });

        provider.WaitForAssertion(() => Assert.Equal(5, provider.FindAll("[data-test=schedule-preview-run]").Count));
        var runs = provider.FindAll("[data-test=schedule-preview-run]").Select(r => r.TextContent).ToList();
        Assert.Contains("Sat 2027-03-27 02:30 UTC+01:00", runs[0], StringComparison.Ordinal);
        Assert.Contains("Sun 2027-03-28 03:00 UTC+02:00", runs[1], StringComparison.Ordinal);
        Assert.Contains("Mon 2027-03-29 02:30 UTC+02:00", runs[2], StringComparison.Ordinal);
        Assert.NotNull(provider.Find("[data-test=schedule-preview-dst]"));
    }

    [Fact]
    public async Task ScheduleDialog_InvalidCron_ShowsTheInlineErrorAndSaveKeepsTheDialogOpen()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<ScheduleDialog> { { d => d.PairId, _pair.Id } });
        provider.WaitForAssertion(() => Assert.Equal(5, provider.FindAll("[data-test=schedule-preview-run]").Count));

        provider.ClickWhenStable("[data-test=schedule-timing-cron]");
        provider.WaitForAssertion(() => provider.Find("[data-test=schedule-cron]").Input("61 * * * *"));

        provider.WaitForAssertion(() => Assert.Contains("'61 * * * *' is not a valid cron expression", Field(provider, "schedule-cron").TextContent));
        Assert.NotNull(Field(provider, "schedule-cron").QuerySelector(".mud-input-error"));
        Assert.NotNull(provider.Find("[data-test=schedule-preview-invalid]"));
        Assert.Empty(provider.FindAll("[data-test=schedule-preview-run]"));

        provider.ClickWhenStable("[data-test=schedule-save]");

        provider.WaitForAssertion(() => Assert.Single(Schedules.Submitted));
        Assert.Equal("61 * * * *", Schedules.Submitted[0].Input.Cron);
        Assert.False(dialog.Result.IsCompleted);
        Assert.NotNull(provider.Find("[data-test=schedule-dialog]"));
        Assert.Contains("not a valid cron expression", Field(provider, "schedule-cron").TextContent);
        Assert.Empty(Schedules.Schedules);
    }

    [Fact]
    public async Task ScheduleDialog_ValidCron_SaveClosesWithTheCreatedSchedule()
    {
        SignInAs(Roles.Operator);
        var provider = RenderProviders();
        var dialog = await ShowDialogAsync(provider, new DialogParameters<ScheduleDialog> { { d => d.PairId, _otherPair.Id } });
        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("[data-test=schedule-timing-cron]")));

        provider.ClickWhenStable("[data-test=schedule-timing-cron]");
        provider.WaitForAssertion(() => provider.Find("[data-test=schedule-cron]").Input("0 */6 * * *"));
        provider.Find("[data-test=schedule-keep-daily]").Input("14");
        provider.Find("[data-test=schedule-note]").Change("four a day");
        provider.WaitForAssertion(() => Assert.Contains("Wed 2026-11-25 18:00 UTC", provider.FindAll("[data-test=schedule-preview-run]")[0].TextContent, StringComparison.Ordinal));
        provider.ClickWhenStable("[data-test=schedule-save]");

        var result = await dialog.Result.WaitAsync(Live);
        var saved = Assert.IsType<Schedule>(result!.Data);
        Assert.Equal((_otherPair.Id, ScheduleTiming.Cron, "0 */6 * * *", 14, "four a day"), (saved.VmPairId, saved.Timing, saved.Cron, saved.KeepDaily, saved.Note));
    }

    [Fact]
    public async Task ScheduleDialog_RetentionPreview_ListsTheArchivesKeptWithReasonsAndThoseDeleted()
    {
        SignInAs(Roles.Operator);
        AddDailyArchives(5);
        var schedule = AddDaily(_pair, retention: new RetentionPolicy(KeepLast: 2));
        var provider = RenderProviders();
        await ShowDialogAsync(provider, new DialogParameters<ScheduleDialog> { { d => d.Schedule, schedule } });
        provider.WaitForAssertion(() => Assert.False(provider.Find("[data-test=retention-preview]").HasAttribute("disabled")));

        provider.ClickWhenStable("[data-test=retention-preview]");

        provider.WaitForAssertion(() => Assert.Equal(2, provider.FindAll("[data-test=retention-kept]").Count));
        Assert.Equal(["5", "4"], provider.FindAll("[data-test=retention-kept]").Select(r => r.GetAttribute("data-archive-id")));
        Assert.Equal(["3", "2", "1"], provider.FindAll("[data-test=retention-deleted]").Select(r => r.GetAttribute("data-archive-id")));
        Assert.Contains("last, newest verified archive", provider.FindAll("[data-test=retention-kept]")[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Keeps 2 and deletes 3 of 5 archive(s).", provider.Find("[data-test=retention-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal((_pair.Id, new RetentionPolicy(KeepLast: 2), "Europe/Berlin"), Assert.Single(Retention.Requests));
        Assert.Empty(provider.FindAll("[data-test=retention-stale]"));

        provider.Find("[data-test=schedule-keep-last]").Input("4");

        provider.WaitForAssertion(() => Assert.NotNull(provider.Find("[data-test=retention-stale]")));
    }
}
