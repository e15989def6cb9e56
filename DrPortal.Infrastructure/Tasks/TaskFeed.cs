using System.Collections.Immutable;
using DrPortal.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>In-process publish/subscribe of task updates. Subscribers are called synchronously and must return quickly
/// (Blazor components hand the update to their dispatcher); one throwing subscriber does not affect the others.</summary>
internal sealed partial class TaskFeed(ILogger<TaskFeed> logger) : ITaskFeed
{
    private ImmutableArray<Action<TaskUpdate>> _subscribers = [];

    public IDisposable Subscribe(Action<TaskUpdate> onUpdate)
    {
        ImmutableInterlocked.Update(ref _subscribers, s => s.Add(onUpdate));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, s => s.Remove(onUpdate)));
    }

    public void Publish(TaskUpdate update)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(update);
            }
#pragma warning disable CA1031 // A broken page must never break a running task.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(ex, update.TaskId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A task feed subscriber failed on task {TaskId}")]
    private partial void LogSubscriberFailed(Exception ex, long taskId);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
