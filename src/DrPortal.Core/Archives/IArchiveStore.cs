using DrPortal.Core.Common;

namespace DrPortal.Core.Archives;

public interface IArchiveStore
{
    /// <summary>A pair's archives, newest first.</summary>
    Task<IReadOnlyList<Archive>> ListAsync(int? pairId, CancellationToken ct);

    Task<Archive?> FindAsync(long id, CancellationToken ct);

    /// <summary>Deletes the repository copy and the row; refused while a task uses the archive.</summary>
    Task<Result<Archive>> DeleteAsync(long id, string actor, CancellationToken ct);
}
