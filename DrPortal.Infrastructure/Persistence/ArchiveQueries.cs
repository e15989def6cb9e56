using DrPortal.Core.Archives;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

/// <summary>Queries of restore points that several stores share, written once so they mean the same everywhere.</summary>
internal static class ArchiveQueries
{
    /// <summary>
    /// Points whose repository copy holds every file with its checksum and was not found bad or missing by a verify:
    /// <see cref="Archive.IsVerified"/> in SQL.
    /// </summary>
    public static IQueryable<Archive> WhereVerified(this IQueryable<Archive> archives) =>
        archives.Where(a => a.InRepository && a.RepositoryCopy != CopyState.Bad && a.RepositoryCopy != CopyState.Missing
            && a.Files.Any() && a.Files.All(f => f.Sha256 != null));

    /// <summary>The pair's verified points, newest first, with their files.</summary>
    public static IQueryable<Archive> VerifiedOf(this IQueryable<Archive> archives, int pairId) =>
        archives.Include(a => a.Files).Where(a => a.VmPairId == pairId).WhereVerified()
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id);
}
