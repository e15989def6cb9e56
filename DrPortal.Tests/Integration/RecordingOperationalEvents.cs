using System.Collections.Concurrent;
using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Integration;

/// <summary>Keeps what the portal publishes through IOperationalEvents, so a test can count the events of a transition.</summary>
public sealed class RecordingOperationalEvents : IOperationalEvents
{
    private readonly ConcurrentQueue<OperationalEvent> _published = new();

    public IReadOnlyList<OperationalEvent> Published => [.. _published];

    public void Publish(OperationalEvent e) => _published.Enqueue(e);
}
