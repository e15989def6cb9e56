namespace DrPortal.Core.Archives;

/// <summary>Files no row knows, rows whose files are gone, and the hosts whose dump areas could not be read.</summary>
public sealed record OrphanReport(IReadOnlyList<OrphanFile> Files, IReadOnlyList<GoneArchive> GoneRows, IReadOnlyList<string> HostsNotListed);
