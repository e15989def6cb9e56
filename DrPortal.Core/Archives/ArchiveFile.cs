namespace DrPortal.Core.Archives;

/// <summary>One file of a restore point's manifest.</summary>
public sealed class ArchiveFile
{
    public long Id { get; set; }
    public long ArchiveId { get; set; }

    /// <summary>The file's name as its driver chose it; unique among the points of one source VM.</summary>
    public string Name { get; set; } = "";

    public const int NameMaxLength = 255;

    /// <summary>What the file is to its driver: "archive", "log", "disk", "domain-xml", "nvram".</summary>
    public string Role { get; set; } = "";

    public const int RoleMaxLength = 32;

    public long SizeBytes { get; set; }

    /// <summary>Lower-case hex SHA-256, computed by the portal on its repository copy and checked against the host's.</summary>
    public string? Sha256 { get; set; }
}
