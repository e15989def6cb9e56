namespace DrPortal.Core.Recovery;

/// <summary>A pair in a plan's group; a pair may be in several plans, once per plan.</summary>
public sealed class RecoveryPlanMember
{
    public const int MaxDelaySeconds = 3600;

    public int Id { get; set; }
    public int RecoveryPlanGroupId { get; set; }
    public int VmPairId { get; set; }
    public Pairs.VmPair? VmPair { get; set; }
    public int Position { get; set; }

    /// <summary>Seconds to wait after the group starts before this VM starts.</summary>
    public int DelaySeconds { get; set; }
}
