using DrPortal.Core.Common;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Plans;

/// <summary>
/// One drill, failover or failback: a section per group and a lane per VM. The VMs' progress comes from the task feed
/// (their child tasks are ordinary tasks); the run row has no feed, so it is read again every two seconds until it
/// has finished.
/// </summary>
public partial class RunPage
{
    /// <summary>How often the run row (group releases, timeouts, the measured RTO) is read while the run is unfinished.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private List<BreadcrumbItem> _breadcrumbs = [];
    private TaskFeedSubscription? _feed;
    private DrRun? _run;
    private Dictionary<long, DrRunReportRow> _rows = [];
    private bool _loaded;
    private bool _cancelling;

    [Parameter]
    public long Id { get; set; }

    [Inject]
    private IDrRunService Runs { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    private string ScratchText => _run switch
    {
        { ScratchRemovedAt: { } removed } => $"removed {DisplayTime.When(removed, Zone)}",
        { ScratchRemoveAt: { } due } => $"kept until {DisplayTime.When(due, Zone)}",
        { KeepScratchMinutes: > 0 and var minutes } => $"kept {minutes} min after the drill",
        _ => "removed when the drill ends",
    };

    protected override async Task LoadAsync()
    {
        _breadcrumbs = [new("Recovery plans", "plans"), new($"Run #{Id}", null, disabled: true)];
        // Subscribed before loading, so a change between the two is not missed; the run's tasks are known once loaded.
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync, u => _run?.Tasks.Any(t => t.Id == u.TaskId) ?? false);
        await ReloadAsync();
        _loaded = true;
        _ = PollAsync();
    }

    private async Task ReloadAsync()
    {
        await GuardAsync("Loading the run", async () =>
        {
            _run = await Runs.FindAsync(Id, Aborted);
            _rows = _run is null ? [] : DrRunReport.Of(_run).Rows.ToDictionary(r => r.TaskId);
        });
    }

    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        if (_run is null)
        {
            return;
        }
        // A new status or stage carries times the feed does not: read the run with its tasks again.
        if (updates.Any(u => _run.Tasks.FirstOrDefault(t => t.Id == u.TaskId) is not { } task || task.Status != u.Status || task.CurrentStage != u.Stage))
        {
            await ReloadAsync();
        }
        foreach (var update in updates)
        {
            if (_run?.Tasks.FirstOrDefault(t => t.Id == update.TaskId) is { IsFinished: false } task)
            {
                TaskDisplay.Apply(task, update);
            }
        }
        StateHasChanged();
    }

    /// <summary>Reads the run every <see cref="PollInterval"/> while it is unfinished; ends with the page.</summary>
    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (_run is { IsFinished: false } && await timer.WaitForNextTickAsync(Aborted))
            {
                await InvokeAsync(async () =>
                {
                    await ReloadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
    }

    private async Task CancelAsync()
    {
        if (_run is null || !User.CanOperate()
            || !await Dialogs.ConfirmAsync("Cancel run", $"Cancel {RunDisplay.KindLabel(_run.Kind).ToLowerInvariant()} #{_run.Id} of '{_run.Label}'?",
                confirmText: "Cancel run", dismissText: "Keep running",
                detail: "Every VM that has not finished stops at its next step. A drill's scratch VMs are removed; production VMs are left as they are."))
        {
            return;
        }
        _cancelling = true;
        await GuardAsync("Cancelling the run", async () => Report(await Runs.CancelAsync(_run.Id, User.ActorName(), Aborted), $"Run #{_run.Id} is being cancelled."));
        await ReloadAsync();
        _cancelling = false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _feed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
