using DrPortal.Core.Hosts;

namespace DrPortal.Core.Recovery;

/// <summary>One look at a run as a unit of work: the run, its groups and its child tasks (with their pairs and hosts), tracked.</summary>
public interface IRunUnit : IAsyncDisposable
{
    DrRun Run { get; }

    Task<Hypervisor?> FindHostAsync(int id);

    /// <summary>Persists every change; never cancelled.</summary>
    Task SaveAsync();
}
