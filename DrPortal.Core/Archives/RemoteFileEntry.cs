namespace DrPortal.Core.Archives;

/// <summary>A plain file in a directory on a host.</summary>
public sealed record RemoteFileEntry(string Name, long SizeBytes, DateTimeOffset ModifiedAt);
