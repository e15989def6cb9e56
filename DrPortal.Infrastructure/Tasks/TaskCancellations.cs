using System.Collections.Concurrent;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>The cancellation sources of the tasks running in this process, so a Cancel request reaches a running stage at once.</summary>
internal sealed class TaskCancellations
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();

    public CancellationTokenSource Register(long taskId, CancellationToken shutdown)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _running[taskId] = cts;
        return cts;
    }

    public void Unregister(long taskId, CancellationTokenSource cts) => _running.TryRemove(new KeyValuePair<long, CancellationTokenSource>(taskId, cts));

    /// <summary>Signals the task if it runs here; returns whether it did.</summary>
    public bool Cancel(long taskId)
    {
        if (_running.TryGetValue(taskId, out var cts))
        {
            try
            {
                cts.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
        return false;
    }
}
