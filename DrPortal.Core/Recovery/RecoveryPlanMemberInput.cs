namespace DrPortal.Core.Recovery;

public sealed record RecoveryPlanMemberInput
{
    public int VmPairId { get; set; }
    public int DelaySeconds { get; set; }
}
