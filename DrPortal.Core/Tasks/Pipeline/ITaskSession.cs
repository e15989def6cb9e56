using DrPortal.Core.Archives;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// The rows one run of one task reads and writes, as one unit of work: the task (with its pair and hosts) is loaded
/// and tracked, and <see cref="SaveAsync"/> persists every change made to it and to the archives it returned.
/// </summary>
public interface ITaskSession
{
    /// <summary>Persists every change; never cancelled, so a stage's outcome is recorded even while the portal stops.</summary>
    Task SaveAsync();

    /// <summary>The restore point with its files, tracked; null when it does not exist.</summary>
    Task<Archive?> FindArchiveAsync(long id);

    /// <summary>The restore point a source host made under this label, tracked; null when there is none.</summary>
    Task<Archive?> FindArchiveByLabelAsync(int sourceHypervisorId, string label);

    /// <summary>Adds a new restore point; it gets its id at the next save.</summary>
    void AddArchive(Archive archive);

    /// <summary>
    /// The pair's newest restore point whose files the repository holds verified, tracked; optionally not this one and
    /// made no later than a time. Null when there is none.
    /// </summary>
    Task<Archive?> NewestVerifiedAsync(int pairId, long? except = null, DateTimeOffset? notAfter = null, int? fromHost = null);

    /// <summary>Every restore point made for the pair, oldest first, with its files, tracked.</summary>
    Task<IReadOnlyList<Archive>> ArchivesOfPairAsync(int pairId);

    /// <summary>The run group the task belongs to, read fresh (its release is the run's decision, not the task's).</summary>
    Task<Recovery.DrRunGroup?> RunGroupAsync(long runId, int position);

    /// <summary>Whether the task's run was asked to stop, read fresh.</summary>
    Task<Recovery.DrRun?> RunAsync(long runId);

    /// <summary>The VMs unfinished drill and failback tasks have claimed (or made) on a host, so two never pick the same.</summary>
    Task<IReadOnlySet<string>> ClaimedVmsAsync(int hostId);

    /// <summary>The points a restore of this one needs, oldest (the full point) first and this one last, tracked.</summary>
    /// <exception cref="StageFailedException">A point of the chain no longer exists.</exception>
    Task<IReadOnlyList<Archive>> ChainAsync(Archive point);

    /// <summary>Whether someone asked to cancel the task (read fresh, not from the tracked row).</summary>
    Task<bool> CancelRequestedAsync();
}
