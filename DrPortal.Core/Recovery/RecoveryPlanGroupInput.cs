namespace DrPortal.Core.Recovery;

public sealed record RecoveryPlanGroupInput
{
    public string? Name { get; set; }
    public int TimeoutSeconds { get; set; } = RecoveryPlanGroup.DefaultTimeoutSeconds;
    public string? PreHook { get; set; }
    public string? PostHook { get; set; }
    public int? HookHypervisorId { get; set; }
    public List<RecoveryPlanMemberInput> Members { get; set; } = [];
}
