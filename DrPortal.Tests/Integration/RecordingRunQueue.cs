using System.Collections.Concurrent;
using DrPortal.Core.Recovery;

namespace DrPortal.Tests.Integration;

/// <summary>Records the runs handed to the executor instead of running them, so a requested run stays queued.</summary>
public sealed class RecordingRunQueue : IRunQueue
{
    public ConcurrentQueue<long> Enqueued { get; } = new();

    public void Enqueue(long runId) => Enqueued.Enqueue(runId);
}
