namespace DrPortal.Core.Hypervisors;

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
