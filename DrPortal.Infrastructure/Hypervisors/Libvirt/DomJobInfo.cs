namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>A domain's job as <c>virsh domjobinfo</c> reports it.</summary>
/// <param name="JobType">"None", "Unbounded", "Completed", "Failed", "Cancelled", ...</param>
/// <param name="Operation">"Backup", "Outgoing migration", ...; null when none is named.</param>
/// <param name="BytesProcessed">"File processed" (a backup's bytes written), rounded as virsh prints it.</param>
public sealed record DomJobInfo(string JobType, string? Operation, long? BytesProcessed, long? BytesTotal, string? ErrorMessage)
{
    public bool IsActive => JobType is "Unbounded" or "Bounded";

    public bool IsBackup => Operation == "Backup";

    public bool Completed => JobType == "Completed";
}
