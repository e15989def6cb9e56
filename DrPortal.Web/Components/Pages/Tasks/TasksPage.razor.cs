using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Tasks;

/// <summary>
/// Every task, newest first, paged on the server and kept live from the task feed: rows on screen take progress in
/// place; a new task, or a row whose status changed, reloads the page so filters and order stay true.
/// </summary>
public partial class TasksPage
{
    private readonly Dictionary<long, DrTask> _rows = [];
    private readonly Dictionary<long, DrTaskStatus> _offPage = [];
    private MudTable<DrTask>? _table;
    private TaskFeedSubscription? _feed;
    private List<VmPair> _pairs = [];
    private DrTaskStatus? _status;
    private int? _pairId;
    private DrTaskKind? _kind;
    private long _newestSeen;
    private int _total;

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>Deep links such as /tasks?status=Failed or /tasks?pairId=3 preset the filters.</summary>
    [SupplyParameterFromQuery(Name = "status")]
    public string? StatusQuery { get; set; }

    [SupplyParameterFromQuery(Name = "pairId")]
    public int? PairIdQuery { get; set; }

    [SupplyParameterFromQuery(Name = "kind")]
    public string? KindQuery { get; set; }

    private bool CanOperate => User.CanOperate();

    private bool Filtered => _status is not null || _pairId is not null || _kind is not null;

    protected override async Task LoadAsync()
    {
        _status = Enum.TryParse<DrTaskStatus>(StatusQuery, ignoreCase: true, out var status) ? status : null;
        _kind = Enum.TryParse<DrTaskKind>(KindQuery, ignoreCase: true, out var kind) ? kind : null;
        _pairId = PairIdQuery;
        // Subscribed before the first page loads, so nothing that happens in between is missed.
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync);
        _pairs = [.. (await Pairs.ListAsync(Aborted)).OrderBy(p => p.Describe(), StringComparer.Ordinal)];
        _ = TickAsync();
    }

    private async Task<TableData<DrTask>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var page = new TaskPage([], 0);
        await GuardAsync("Loading the tasks", async () =>
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, Aborted);
            try
            {
                page = await Tasks.QueryAsync(new TaskQuery(_status, _pairId, _kind, state.Page * state.PageSize, state.PageSize), both.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A newer load replaced this one while it ran.
            }
        });
        _rows.Clear();
        foreach (var task in page.Items)
        {
            _rows[task.Id] = task;
            _offPage.Remove(task.Id);
            _newestSeen = Math.Max(_newestSeen, task.Id);
        }
        // The count sits outside the table, which re-renders only itself after a load.
        var totalChanged = _total != page.Total;
        _total = page.Total;
        if (totalChanged)
        {
            StateHasChanged();
        }
        return new TableData<DrTask> { Items = page.Items, TotalItems = page.Total };
    }

    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        var reload = false;
        foreach (var update in updates)
        {
            if ((_pairId is { } pair && update.PairId != pair) || (_kind is { } kind && update.Kind != kind))
            {
                continue;
            }
            if (_rows.TryGetValue(update.TaskId, out var row))
            {
                // A status change may move the row out of the filter; it and a new stage bring stage times the feed does not
                // carry (the overall progress and its ETA are computed from them).
                reload |= row.Status != update.Status || row.CurrentStage != update.Stage;
                TaskDisplay.Apply(row, update);
                continue;
            }
            var isNew = update.TaskId > _newestSeen;
            var statusChanged = !_offPage.TryGetValue(update.TaskId, out var seen) || seen != update.Status;
            _offPage[update.TaskId] = update.Status;
            _newestSeen = Math.Max(_newestSeen, update.TaskId);
            var inFilter = _status is null || _status == update.Status;
            reload |= inFilter && (isNew || (_status is not null && statusChanged));
        }
        if (reload)
        {
            await RefreshAsync();
        }
        else
        {
            StateHasChanged();
        }
    }

    /// <summary>Durations of running tasks keep counting between progress reports (a task waiting for a host reports nothing).</summary>
    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(Aborted))
            {
                if (_rows.Values.Any(t => t.StartedAt is not null && !t.IsFinished))
                {
                    await InvokeAsync(StateHasChanged);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
    }

    private static string StageText(DrTask task)
    {
        if (task.CurrentStage is { } current)
        {
            var position = task.Stages.FirstOrDefault(s => s.Name == current)?.Position;
            return position is { } p && task.Stages.Count > 0 ? $"{current} ({p + 1}/{task.Stages.Count})" : current.ToString();
        }
        return task.Stages.FirstOrDefault(s => s.Status == StageStatus.Failed)?.Name.ToString() ?? "—";
    }

    // PairLabel is "source → target" as it was when the task was requested; two lines keep the column narrow.
    private static string PairSource(DrTask task) => task.PairLabel.Split(" → ", 2)[0];

    private static string PairTarget(DrTask task) => task.PairLabel.Split(" → ", 2) is [_, var target] ? target : "";

    private string PairLabel(int? id) => id is null ? "" : _pairs.FirstOrDefault(p => p.Id == id)?.Describe() ?? $"pair #{id}";

    private Task StatusChangedAsync(DrTaskStatus? value)
    {
        _status = value;
        return RefreshFromFirstPageAsync();
    }

    private Task PairChangedAsync(int? value)
    {
        _pairId = value;
        return RefreshFromFirstPageAsync();
    }

    private Task KindChangedAsync(DrTaskKind? value)
    {
        _kind = value;
        return RefreshFromFirstPageAsync();
    }

    private Task RefreshFromFirstPageAsync()
    {
        _offPage.Clear();
        _table?.NavigateTo(0);
        return RefreshAsync();
    }

    private Task RefreshAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _feed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
