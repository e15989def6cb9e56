using DrPortal.Core.Tasks;

namespace DrPortal.Web.Components.Shared;

/// <summary>
/// A live page's subscription to the task feed. The feed calls back on the runner's threads and often (a transfer
/// reports several times a second per task), so updates are collected, only the newest of each task kept, and handed
/// to the component on its own dispatcher at most once per interval: a page re-renders a few times a second at most,
/// however busy the portal is. Dispose it with the component; undelivered updates are then dropped.
/// </summary>
internal sealed class TaskFeedSubscription : IDisposable
{
    /// <summary>About three renders a second: smooth enough for a progress bar, cheap for the circuit.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(300);

    private readonly Lock _lock = new();
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly Func<IReadOnlyList<TaskUpdate>, Task> _onBatch;
    private readonly Func<TaskUpdate, bool> _wanted;
    private readonly TimeSpan _interval;
    private readonly IDisposable _subscription;
    private Dictionary<long, TaskUpdate> _pending = [];
    private bool _scheduled;
    private volatile bool _disposed;

    /// <param name="feed">The portal's task feed.</param>
    /// <param name="dispatch">The component's InvokeAsync: runs the batch where rendering is allowed.</param>
    /// <param name="onBatch">Receives the newest update of each task that changed since the last delivery.</param>
    /// <param name="wanted">Filters updates on the feed's thread (e.g. one task only); null takes all.</param>
    /// <param name="interval">The shortest time between two deliveries.</param>
    public TaskFeedSubscription(
        ITaskFeed feed, Func<Func<Task>, Task> dispatch, Func<IReadOnlyList<TaskUpdate>, Task> onBatch,
        Func<TaskUpdate, bool>? wanted = null, TimeSpan? interval = null)
    {
        _dispatch = dispatch;
        _onBatch = onBatch;
        _wanted = wanted ?? (_ => true);
        _interval = interval ?? DefaultInterval;
        _subscription = feed.Subscribe(OnUpdate);
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription.Dispose();
    }

    private void OnUpdate(TaskUpdate update)
    {
        if (_disposed || !_wanted(update))
        {
            return;
        }
        lock (_lock)
        {
            _pending[update.TaskId] = update;
            if (_scheduled)
            {
                return;
            }
            _scheduled = true;
        }
        // Never block the publisher: the delivery waits on a pool thread.
        _ = DeliverLaterAsync();
    }

    private async Task DeliverLaterAsync()
    {
        await Task.Delay(_interval);
        Dictionary<long, TaskUpdate> batch;
        lock (_lock)
        {
            batch = _pending;
            _pending = [];
            _scheduled = false;
        }
        if (_disposed || batch.Count == 0)
        {
            return;
        }
        try
        {
            await _dispatch(() => _onBatch([.. batch.Values]));
        }
        catch (Exception) when (_disposed)
        {
            // The page closed while the batch was on its way; nobody is looking.
        }
        catch (ObjectDisposedException)
        {
            // The circuit's renderer is gone (tab closed before the component was disposed).
        }
    }
}
