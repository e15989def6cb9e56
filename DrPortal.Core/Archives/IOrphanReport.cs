using DrPortal.Core.Common;

namespace DrPortal.Core.Archives;

/// <summary>
/// The orphan report of the repository and the hosts' dump areas, and what an admin may do about it: delete an
/// orphan file (only one the report lists, only inside the repository or the dump area its driver names) or forget a
/// row whose files are gone. Both are audited. Adopting an orphan file as a restore point is not offered.
/// </summary>
public interface IOrphanReport
{
    Task<OrphanReport> GetAsync(CancellationToken ct);

    /// <param name="hostId">The host whose dump area holds the file; null for the repository.</param>
    /// <param name="path">As the report gives it.</param>
    Task<Result<OrphanFile>> DeleteFileAsync(int? hostId, string path, string actor, CancellationToken ct);

    /// <summary>Removes the row of a restore point whose repository files are gone (refused while any of them is there).</summary>
    Task<Result<Archive>> ForgetAsync(long archiveId, string actor, CancellationToken ct);
}
