using System.Collections.Concurrent;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// One heavy stage per host at a time (one vzdump per primary host, one restore per recovery host).
/// In-process: one active portal runs jobs (DESIGN.md "Beyond one machine").
/// </summary>
internal sealed class HostLocks
{
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _locks = new();

    /// <summary>Takes the host's lock; <paramref name="onWait"/> runs once if the lock is busy, before waiting.</summary>
    public async Task<IDisposable> AcquireAsync(int hypervisorId, Func<Task> onWait, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(hypervisorId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, ct))
        {
            await onWait();
            await gate.WaitAsync(ct);
        }
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
