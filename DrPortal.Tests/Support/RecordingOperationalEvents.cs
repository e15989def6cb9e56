using System.Collections.Concurrent;
using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Support;

/// <summary>Keeps every published event, for tests that prove a feature reported what it noticed.</summary>
public sealed class RecordingOperationalEvents : IOperationalEvents
{
    private readonly ConcurrentQueue<OperationalEvent> _events = new();

    public IReadOnlyList<OperationalEvent> Events => [.. _events];

    public void Publish(OperationalEvent e) => _events.Enqueue(e);
}
