namespace DrPortal.Core.Archives;

/// <summary>A file in the repository or a host's dump area that no restore point's manifest names.</summary>
/// <param name="HostId">The host whose dump area holds it; null for the portal's repository.</param>
/// <param name="Where">"repository" or the host's name.</param>
/// <param name="Path">Relative to the repository (repository) or the file's name (dump area): what a delete names.</param>
public sealed record OrphanFile(int? HostId, string Where, string Path, long SizeBytes, DateTimeOffset ModifiedAt);
