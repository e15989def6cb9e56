using DrPortal.Core.Hosts;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>One heavy stage per host at a time, for one run of a task (which gives up its execution slot while it waits).</summary>
public interface IHostGate
{
    /// <summary>Takes the host; if it is busy, <paramref name="onWait"/> runs once before the wait.</summary>
    Task<IDisposable> AcquireAsync(Hypervisor host, Func<Task> onWait, CancellationToken ct);
}
