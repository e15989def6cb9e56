namespace DrPortal.Core.Hypervisors;

/// <summary>One file of a restore point as it lies on a host.</summary>
/// <param name="Name">The file's name, unique among the restore points of one VM; the driver chose it.</param>
/// <param name="Role">What the file is to its driver ("archive", "log", "disk", "domain-xml", ...).</param>
/// <param name="Path">Absolute path on the host; the driver built it.</param>
public sealed record HostFile(string Name, string Role, string Path);
