using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// How many tasks do work at the same time (<see cref="DrPortalOptions.Workers"/>). A task gives its slot up while it
/// waits for a busy host, so tasks queued behind one busy host never keep tasks for other hosts from running.
/// Waiters are served first come, first served.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A singleton for the process's life; its semaphore never allocates a wait handle (async waits only).")]
internal sealed class TaskSlots(IOptions<DrPortalOptions> options)
{
    private readonly SemaphoreSlim _free = new(Math.Clamp(options.Value.Workers, 1, 64), Math.Clamp(options.Value.Workers, 1, 64));

    /// <summary>Slots nobody holds now.</summary>
    public int Free => _free.CurrentCount;

    public async Task<Lease> TakeAsync(CancellationToken ct)
    {
        await _free.WaitAsync(ct);
        return new Lease(_free);
    }

    /// <summary>One task's slot. Disposing it gives the slot back if the task holds it.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly SemaphoreSlim _free;
        private int _held = 1;

        internal Lease(SemaphoreSlim free) => _free = free;

        public bool IsHeld => Volatile.Read(ref _held) == 1;

        /// <summary>Gives the slot up (to wait for something that needs none).</summary>
        public void Suspend()
        {
            if (Interlocked.Exchange(ref _held, 0) == 1)
            {
                _free.Release();
            }
        }

        /// <summary>Takes a slot again after <see cref="Suspend"/>, in turn with everyone else waiting for one.</summary>
        public async Task ResumeAsync(CancellationToken ct)
        {
            if (IsHeld)
            {
                return;
            }
            await _free.WaitAsync(ct);
            Volatile.Write(ref _held, 1);
        }

        public void Dispose() => Suspend();
    }
}
