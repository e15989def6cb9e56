using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Schedules;

/// <summary>The schedules of all pairs (or one): timing, next run, last result, retention; operators add, edit, toggle and delete.</summary>
public partial class SchedulesPage
{
    private static readonly Func<ScheduleRow, object> ByPair = r => PairLabel(r.Schedule);
    private static readonly Func<ScheduleRow, object> ByKind = r => r.Schedule.Kind;
    private static readonly Func<ScheduleRow, object> ByNextRun = r => r.NextRun ?? DateTimeOffset.MaxValue;

    private List<ScheduleRow> _rows = [];
    private List<VmPair> _pairs = [];
    private readonly HashSet<int> _toggling = [];
    private readonly HashSet<long> _seenTasks = [];
    private TaskFeedSubscription? _feed;
    private int? _pairId;
    private int _refusals;
    private string? _search;
    private bool _loading = true;
    private bool _loadingRuns = true;

    [Inject]
    private IScheduleStore Store { get; set; } = default!;

    [Inject]
    private IScheduleCalendar Calendar { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>/schedules?pairId=3 opens the page on one pair (the pairs page links here).</summary>
    [SupplyParameterFromQuery(Name = "pairId")]
    public int? PairIdQuery { get; set; }

    private bool CanOperate => User.CanOperate();

    protected override async Task LoadAsync()
    {
        _pairId = PairIdQuery;
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync);
        _pairs = [.. (await Pairs.ListAsync(Aborted)).OrderBy(p => p.Describe(), StringComparer.Ordinal)];
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading the schedules", async () =>
                _rows = [.. (await Store.ListAsync(_pairId, Aborted)).Select(s => new ScheduleRow(s, Calendar))]);
        }
        finally
        {
            _loading = false;
        }
        // Apart from the list, as the pairs page does: a failing read of runs must not hide the schedules.
        _loadingRuns = true;
        await GuardAsync("Loading the last runs", () => ScheduleRow.LoadLastRunsAsync(_rows, Store, Tasks, Aborted));
        _loadingRuns = false;
    }

    /// <summary>
    /// Keeps "last result" current: the shown task takes its new status, and the first sight of a newer task of a pair
    /// (a slot has fired, or someone started one) re-reads that pair's rows. A run read between its claim and its task's
    /// request has no task yet; it is read again on the pair's next update.
    /// </summary>
    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        var stale = new HashSet<ScheduleRow>();
        foreach (var update in updates)
        {
            var isNew = _seenTasks.Add(update.TaskId);
            foreach (var row in _rows.Where(r => r.Schedule.VmPairId == update.PairId))
            {
                if (row.LastTask?.Id == update.TaskId)
                {
                    TaskDisplay.Apply(row.LastTask, update);
                }
                else if (update.Kind == row.Schedule.TaskKind
                    && ((isNew && update.TaskId > (row.LastTask?.Id ?? 0)) || row.LastRun?.Outcome == ScheduleRunOutcome.Claimed))
                {
                    stale.Add(row);
                }
            }
        }
        foreach (var row in stale)
        {
            row.Show(row.Schedule, Calendar);
            await GuardAsync("Loading the last run", () => row.LoadLastRunAsync(Store, Tasks, Aborted));
        }
        StateHasChanged();
    }

    private Task PairChangedAsync(int? value)
    {
        _pairId = value;
        return ReloadAsync();
    }

    private string PairLabel(int? id) => id is null ? "" : _pairs.FirstOrDefault(p => p.Id == id)?.Describe() ?? $"pair #{id}";

    // The store reads every schedule with its pair; the id is only a fallback.
    private static string PairLabel(Schedule s) => s.VmPair?.Describe() ?? $"pair #{s.VmPairId}";

    private bool Matches(ScheduleRow row)
    {
        if (string.IsNullOrWhiteSpace(_search))
        {
            return true;
        }
        var term = _search.Trim();
        var s = row.Schedule;
        return new[] { PairLabel(s), s.Kind.ToString(), ScheduleDisplay.Timing(s), s.TimeZone, s.Note ?? "" }
            .Any(text => text.Contains(term, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Saves at once: the schedule as it is, with Enabled flipped. A refusal leaves the switch where it was.</summary>
    private async Task ToggleAsync(ScheduleRow row, bool enabled)
    {
        if (!CanOperate || !_toggling.Add(row.Schedule.Id))
        {
            return;
        }
        try
        {
            await GuardAsync("Saving the schedule", async () =>
            {
                var input = ScheduleInput.From(row.Schedule) with { Enabled = enabled };
                var result = await Store.UpdateAsync(row.Schedule.Id, input, User.ActorName(), Aborted);
                if (Report(result, $"Schedule #{row.Schedule.Id} {(enabled ? "enabled" : "disabled")}.", enabled ? Severity.Success : Severity.Info))
                {
                    row.Show(result.Value!, Calendar);
                }
                else
                {
                    _refusals++;
                }
            });
        }
        finally
        {
            _toggling.Remove(row.Schedule.Id);
        }
    }

    private async Task AddAsync()
    {
        var parameters = new DialogParameters<ScheduleDialog> { { d => d.PairId, _pairId } };
        var added = await Dialogs.ShowForResultAsync<ScheduleDialog, Schedule>("Add schedule", parameters, DialogServiceExtensions.Large);
        if (added is not null)
        {
            Snackbar.Add($"Schedule #{added.Id} added: {added.Describe()}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(ScheduleRow row)
    {
        var parameters = new DialogParameters<ScheduleDialog> { { d => d.Schedule, row.Schedule } };
        var saved = await Dialogs.ShowForResultAsync<ScheduleDialog, Schedule>($"Edit schedule #{row.Schedule.Id}", parameters, DialogServiceExtensions.Large);
        if (saved is not null)
        {
            Snackbar.Add($"Schedule #{saved.Id} saved: {saved.Describe()}.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(ScheduleRow row)
    {
        var s = row.Schedule;
        if (!CanOperate
            || !await Dialogs.ConfirmAsync("Delete schedule", $"Delete schedule #{s.Id}: {s.Describe()} of {PairLabel(s)}?",
                detail: "No more runs are queued for it and its run history goes. The tasks it queued and the archives they made stay."))
        {
            return;
        }
        await GuardAsync("Deleting the schedule", async () =>
        {
            Report(await Store.DeleteAsync(s.Id, User.ActorName(), Aborted), $"Schedule #{s.Id} deleted.");
        });
        await ReloadAsync();
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
