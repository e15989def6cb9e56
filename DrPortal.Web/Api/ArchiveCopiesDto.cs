using DrPortal.Core.Archives;

namespace DrPortal.Web.Api;

/// <summary>What the last verify found of each copy of a restore point: Unchecked, Good, Bad or Missing, and when.</summary>
public sealed record ArchiveCopiesDto(
    string Primary, DateTimeOffset? PrimaryVerifiedAt,
    string Repository, DateTimeOffset? RepositoryVerifiedAt,
    string Recovery, DateTimeOffset? RecoveryVerifiedAt)
{
    public static ArchiveCopiesDto From(Archive a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.PrimaryCopy.ToString(), a.PrimaryVerifiedAt, a.RepositoryCopy.ToString(), a.RepositoryVerifiedAt,
            a.RecoveryCopy.ToString(), a.RecoveryVerifiedAt);
    }
}
