namespace DrPortal.Core.Hypervisors;

/// <summary>How a backup compresses its archive; chosen per VM pair.</summary>
public enum BackupCompression
{
    /// <summary>No compression: the largest archive, the least CPU on the host.</summary>
    None,
    Lzo,
    Gzip,

    /// <summary>The default: fast and small, multi-threaded on the host.</summary>
    Zstd,
}

/// <summary>How a running VM is held while it is backed up; chosen per VM pair.</summary>
public enum BackupMode
{
    /// <summary>The default: the VM keeps running while a consistent snapshot is read.</summary>
    Snapshot,

    /// <summary>The VM is suspended for the backup.</summary>
    Suspend,

    /// <summary>The VM is shut down for the backup and started again afterwards.</summary>
    Stop,
}

/// <summary>How a hypervisor operation (backup, restore) ended, decided from positive evidence only.</summary>
public enum OperationOutcome
{
    /// <summary>The tool exited cleanly and reported success in its own words.</summary>
    Succeeded,

    /// <summary>As <see cref="Succeeded"/>, but the tool reported warnings worth showing to the operator.</summary>
    SucceededWithWarnings,

    /// <summary>Anything else, including a clean exit that never said it had finished.</summary>
    Failed,
}

/// <summary>
/// Progress of a long hypervisor operation as the tool reports it. Byte counts are null when the tool
/// does not give them, and may be rounded (Proxmox prints sizes with one decimal).
/// </summary>
public sealed record OperationProgress(int Percent, long? BytesDone, long? BytesTotal);
