using DrPortal.Core.Hosts;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>The host locks as one run of a task sees them: while it waits for a host it gives up its execution slot.</summary>
internal sealed class HostGate(HostLocks locks, TaskSlots.Lease? slot) : IHostGate
{
    public Task<IDisposable> AcquireAsync(Hypervisor host, Func<Task> onWait, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        return locks.AcquireAsync(host.Id, onWait, slot, ct);
    }
}
