using DrPortal.Core.Common;

namespace DrPortal.Core.Archives;

public interface IArchiveStore
{
    /// <summary>A pair's archives, newest first.</summary>
    Task<IReadOnlyList<Archive>> ListAsync(int? pairId, CancellationToken ct);

    /// <summary>One page of the archives (all, or a pair's), newest first, and how many there are in all.</summary>
    Task<ArchivePage> PageAsync(int? pairId, ListWindow window, CancellationToken ct);

    Task<Archive?> FindAsync(long id, CancellationToken ct);

    /// <summary>The point with every point it builds on, oldest first; null when there is no such point.</summary>
    Task<ArchiveChain?> ChainAsync(long id, CancellationToken ct);

    /// <summary>Deletes the repository copy and the row; refused while a task uses the archive.</summary>
    Task<Result<Archive>> DeleteAsync(long id, string actor, CancellationToken ct);

    /// <summary>Marks an archive protected (kept whatever a retention policy says) or lifts that; audited.</summary>
    Task<Result<Archive>> SetProtectionAsync(long id, bool isProtected, string actor, CancellationToken ct);
}
