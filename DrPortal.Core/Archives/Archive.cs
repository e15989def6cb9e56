namespace DrPortal.Core.Archives;

/// <summary>
/// One restore point of a pair's source VM: a manifest of files (each with its size and SHA-256) that its hypervisor
/// kind's driver named and made, the driver's metadata, and where copies exist. The repository copy is the one the
/// portal keeps; the host copies are working copies. An incremental point needs its parent (and the parent's) to restore.
/// </summary>
public sealed class Archive
{
    public long Id { get; set; }

    /// <summary>The pair it was made for; null if that pair was deleted (the archive stays until deleted).</summary>
    public int? VmPairId { get; set; }

    public int SourceHypervisorId { get; set; }
    public string SourceHypervisorName { get; set; } = "";

    /// <summary>The source VM as its kind names it (a VMID, a domain name).</summary>
    public string SourceVm { get; set; } = "";

    /// <summary>The point's name for people, unique per source host (Proxmox: the archive's file name).</summary>
    public string Label { get; set; } = "";

    public const int LabelMaxLength = 255;

    /// <summary>The driver's own facts about the point (e.g. a libvirt checkpoint and disk list), handed back to it later.</summary>
    public string? Metadata { get; set; }

    public const int MetadataMaxLength = 8000;

    /// <summary>The point this one holds the changes since; null for a full point.</summary>
    public long? ParentArchiveId { get; set; }

    public List<ArchiveFile> Files { get; set; } = [];

    /// <summary>Bytes of all files.</summary>
    public long SizeBytes { get; set; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PulledAt { get; set; }
    public long? CreatedByTaskId { get; set; }

    public bool OnPrimary { get; set; }
    public bool InRepository { get; set; }
    public bool OnRecovery { get; set; }

    /// <summary>Kept whatever a retention policy says.</summary>
    public bool IsProtected { get; set; }

    /// <summary>What the last verify found of the copy on the host that made the point.</summary>
    public CopyState PrimaryCopy { get; set; }

    public DateTimeOffset? PrimaryVerifiedAt { get; set; }

    /// <summary>What the last verify found of the repository copy; a bad or missing one makes the point unusable.</summary>
    public CopyState RepositoryCopy { get; set; }

    public DateTimeOffset? RepositoryVerifiedAt { get; set; }

    /// <summary>What the last verify found of the copy on the host it was sent to.</summary>
    public CopyState RecoveryCopy { get; set; }

    public DateTimeOffset? RecoveryVerifiedAt { get; set; }

    public bool IsIncremental => ParentArchiveId is not null;

    /// <summary>
    /// The repository copy of every file exists, its checksum is known and no verify found it bad or missing: it may be
    /// restored (with its chain).
    /// </summary>
    public bool IsVerified => InRepository && !RepositoryCopy.IsUnusable() && Files.Count > 0 && Files.All(f => f.Sha256 is not null);

    /// <summary>A verify found one of its copies bad or missing.</summary>
    public bool HasBadCopy => PrimaryCopy.IsUnusable() || RepositoryCopy.IsUnusable() || RecoveryCopy.IsUnusable();

    public CopyState StateOf(CopyLocation location) => location switch
    {
        CopyLocation.Primary => PrimaryCopy,
        CopyLocation.Repository => RepositoryCopy,
        CopyLocation.Recovery => RecoveryCopy,
        _ => throw new ArgumentOutOfRangeException(nameof(location)),
    };

    /// <summary>Records what a check of one copy found (a verify, or a transfer that hashed it where it landed).</summary>
    public void RecordCopy(CopyLocation location, CopyState state, DateTimeOffset at)
    {
        switch (location)
        {
            case CopyLocation.Primary:
                (PrimaryCopy, PrimaryVerifiedAt) = (state, at);
                break;
            case CopyLocation.Repository:
                (RepositoryCopy, RepositoryVerifiedAt) = (state, at);
                break;
            case CopyLocation.Recovery:
                (RecoveryCopy, RecoveryVerifiedAt) = (state, at);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(location));
        }
    }

    /// <summary>Relative folder inside the repository that holds its files: &lt;source host&gt;/&lt;VM&gt;.</summary>
    public string RepositoryFolder => Path.Combine(SourceHypervisorName, SourceVm);

    public string RepositoryRelativePath(ArchiveFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(RepositoryFolder, file.Name);
    }
}
