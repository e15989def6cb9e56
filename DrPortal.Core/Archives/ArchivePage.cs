namespace DrPortal.Core.Archives;

/// <summary>A page of archives, newest first, and the number (and bytes) of archives the filter matches.</summary>
public sealed record ArchivePage(IReadOnlyList<Archive> Items, int Total, long TotalBytes);
