namespace DrPortal.Core.Archives;

/// <summary>A restore point whose row says the repository holds it, while files of it are gone from there.</summary>
public sealed record GoneArchive(long ArchiveId, string Label, int? PairId, IReadOnlyList<string> MissingFiles);
