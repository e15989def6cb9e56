using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Dashboard;

/// <summary>
/// Running tasks follow the feed in place; anything that changes what the panels list (a task starts or ends) reloads
/// them, at most as often as the feed subscription delivers.
/// </summary>
public partial class TaskOverview
{
    private static readonly DrTaskStatus[] ActiveStatuses = [DrTaskStatus.Running, DrTaskStatus.WaitingForHost, DrTaskStatus.Queued];
    private static readonly TimeSpan FailureWindow = TimeSpan.FromHours(24);

    private List<DrTask> _active = [];
    private List<VmPair> _pairs = [];
    private List<VmPair> _pairsShown = [];
    private Dictionary<int, DrTask> _lastRuns = [];
    private List<DrTask> _failures = [];
    private TaskFeedSubscription? _feed;
    private bool _loaded;

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>One end of a pair as <see cref="VmPair.Describe"/> writes it ("host/vmid"), so the two can go on two lines.</summary>
    private static string End(Core.Hosts.Hypervisor? host, int hostId, string vm) =>
        $"{host?.Name ?? hostId.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{vm}";

    protected override async Task LoadAsync()
    {
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        await GuardAsync("Loading the tasks", async () =>
        {
            var active = new List<DrTask>();
            foreach (var status in ActiveStatuses)
            {
                active.AddRange((await Tasks.QueryAsync(new TaskQuery(Status: status, Take: 20), Aborted)).Items);
            }
            _active = [.. active.OrderByDescending(t => t.Id)];
            _pairs = [.. await Pairs.ListAsync(Aborted)];
            _lastRuns = await LastRuns.PerPairAsync(Tasks, _pairs.Select(p => p.Id), Aborted);
            // Hundreds of pairs do not fit a dashboard: what needs attention first, the rest counted (the Pairs page lists them all).
            _pairsShown = [.. PairAttention.Order(_pairs, _lastRuns).Take(PairAttention.Shown)];
            var since = Clock.UtcNow - FailureWindow;
            _failures = [.. (await Tasks.QueryAsync(new TaskQuery(Status: DrTaskStatus.Failed, Take: 20), Aborted)).Items
                .Where(t => (t.FinishedAt ?? t.CreatedAt) >= since)];
        });
        _loaded = true;
    }

    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        var reload = false;
        foreach (var update in updates)
        {
            var shown = _active.FirstOrDefault(t => t.Id == update.TaskId);
            // A new stage reloads too: the overall progress and its ETA are computed from the stage rows.
            if (shown is not null && shown.Status == update.Status && shown.CurrentStage == update.Stage)
            {
                TaskDisplay.Apply(shown, update);
                if (update.PairId is { } pairId && _lastRuns.TryGetValue(pairId, out var last) && last.Id == update.TaskId)
                {
                    TaskDisplay.Apply(last, update);
                }
            }
            else
            {
                // Started, finished, waiting for a host or at its next stage: the lists themselves change.
                reload = true;
            }
        }
        if (reload)
        {
            await ReloadAsync();
        }
        StateHasChanged();
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
