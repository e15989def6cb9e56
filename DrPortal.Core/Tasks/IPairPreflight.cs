namespace DrPortal.Core.Tasks;

/// <summary>Checks a pair's hosts before a task of the given kind runs: source VM, host keys, the target's state, free space.</summary>
public interface IPairPreflight
{
    /// <param name="archiveId">For a Restore, the archive that would be restored (null: the newest verified one).</param>
    /// <returns>null when the pair does not exist.</returns>
    Task<PreflightReport?> CheckAsync(int pairId, DrTaskKind kind, long? archiveId, CancellationToken ct);
}
