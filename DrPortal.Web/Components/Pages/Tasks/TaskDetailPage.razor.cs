using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Tasks;

/// <summary>
/// One task: header, progress, stage timeline, failure and log. Progress comes from the task feed; a change of status or
/// stage reloads the row and its archive so stage times, messages and the archive's size, which the feed does not
/// carry, are current.
/// </summary>
public partial class TaskDetailPage
{
    private List<BreadcrumbItem> _breadcrumbs = [];
    private TaskFeedSubscription? _feed;
    private DrTask? _task;
    private Archive? _archive;
    private bool _loaded;
    private long? _shownId;

    [Parameter]
    public long Id { get; set; }

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private IArchiveStore Archives { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>A tooltip with the second, the offset and the zone of a moment the page shows.</summary>
    private string? FullTime(DateTimeOffset? at) => at is { } value ? DisplayTime.Full(value, Zone) : null;

    private string ArchivesHref => _task?.VmPairId is { } pairId ? $"archives?pairId={pairId}" : "archives";

    protected override async Task LoadAsync()
    {
        await ShowAsync(Id);
        _ = TickAsync();
    }

    /// <summary>A link from one task to another reuses this component with a new Id.</summary>
    protected override async Task OnParametersSetAsync()
    {
        if (_shownId is { } shown && shown != Id)
        {
            await ShowAsync(Id);
        }
    }

    private async Task ShowAsync(long id)
    {
        _shownId = id;
        _task = null;
        _archive = null;
        _loaded = false;
        _breadcrumbs = [new("Tasks", "tasks"), new($"#{id}", null, disabled: true)];
        _feed?.Dispose();
        // Subscribed before loading, so a change between the two is not missed.
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync, u => u.TaskId == id);
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        await GuardAsync("Loading the task", async () =>
        {
            _task = await Tasks.FindAsync(Id, Aborted);
            // Read again on every reload, not only when the id changes: the row made by Backup gets its size (and its
            // copies) when Pull verifies it, and that is what the page must show then.
            _archive = _task?.ArchiveId is { } archiveId ? await Archives.FindAsync(archiveId, Aborted) : null;
        });
        _loaded = true;
    }

    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        var update = updates[^1];
        if (_task is null || _task.Status != update.Status || _task.CurrentStage != update.Stage)
        {
            await ReloadAsync();
        }
        if (_task is not null && !_task.IsFinished)
        {
            // The database lags the feed by up to half a second: the feed's figures are the fresher ones.
            TaskDisplay.Apply(_task, update);
        }
        StateHasChanged();
    }

    /// <summary>Keeps the running durations counting between progress reports.</summary>
    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(Aborted))
            {
                if (_task is { IsFinished: false, StartedAt: not null })
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _feed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
