using System.Collections.Concurrent;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// One heavy stage per host at a time (one vzdump per primary host, one restore per recovery host). Waiters get the
/// host in the order they asked for it, so no pair is starved by others on the same host.
/// In-process: one active portal runs jobs (DESIGN.md "Beyond one machine").
/// </summary>
internal sealed class HostLocks
{
    // SemaphoreSlim completes asynchronous waiters in arrival order, and a release hands the count straight to the
    // oldest waiter, so a newcomer's WaitAsync(0) cannot overtake it.
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _locks = new();

    /// <summary>
    /// Takes the host's lock. If it is busy, <paramref name="onWait"/> runs once before waiting, and the task's
    /// execution <paramref name="slot"/> is given up while it waits and taken again once the host is its own.
    /// </summary>
    public async Task<IDisposable> AcquireAsync(int hypervisorId, Func<Task> onWait, TaskSlots.Lease? slot, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(hypervisorId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, ct))
        {
            await onWait();
            slot?.Suspend();
            await gate.WaitAsync(ct);
            try
            {
                if (slot is not null)
                {
                    await slot.ResumeAsync(ct);
                }
            }
            catch
            {
                gate.Release();
                throw;
            }
        }
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
