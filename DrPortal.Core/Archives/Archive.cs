namespace DrPortal.Core.Archives;

/// <summary>
/// One backup archive of a pair's source VM: the file vzdump wrote, its checksum, and where copies exist.
/// The repository copy is the one the portal keeps; the host copies are working copies.
/// </summary>
public sealed class Archive
{
    public long Id { get; set; }

    /// <summary>The pair it was made for; null if that pair was deleted (the archive stays until deleted).</summary>
    public int? VmPairId { get; set; }

    public int SourceHypervisorId { get; set; }
    public string SourceHypervisorName { get; set; } = "";
    public int SourceVmId { get; set; }

    /// <summary>vzdump's file name, e.g. vzdump-qemu-100-2026_11_25-10_00_00.vma.zst.</summary>
    public string FileName { get; set; } = "";

    /// <summary>The vzdump log kept beside the archive, if it was pulled.</summary>
    public string? LogFileName { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Lower-case hex SHA-256 of the archive, computed by the portal on its repository copy.</summary>
    public string? Sha256 { get; set; }

    /// <summary>When vzdump made it (from the file name, host local time as written).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PulledAt { get; set; }
    public long? CreatedByTaskId { get; set; }

    public bool OnPrimary { get; set; }
    public bool InRepository { get; set; }
    public bool OnRecovery { get; set; }

    /// <summary>Kept whatever a retention policy says.</summary>
    public bool IsProtected { get; set; }

    /// <summary>The repository copy exists and its checksum is known: it may be restored.</summary>
    public bool IsVerified => InRepository && Sha256 is not null;

    /// <summary>Relative path inside the repository: &lt;source host&gt;/&lt;vmid&gt;/&lt;file&gt;.</summary>
    public string RepositoryRelativePath =>
        Path.Combine(SourceHypervisorName, SourceVmId.ToString(System.Globalization.CultureInfo.InvariantCulture), FileName);
}
