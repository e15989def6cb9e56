namespace DrPortal.Core.Recovery;

public enum DrRunStatus
{
    Queued,
    Running,
    Succeeded,

    /// <summary>It ran to its end but some VMs failed or missed their group's timeout; the report says which.</summary>
    PartlySucceeded,
    Failed,
    Cancelled,
}
