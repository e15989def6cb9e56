namespace DrPortal.Core.Recovery;

/// <summary>A named recovery of a service: pairs in ordered priority groups, started group by group on the recovery site.</summary>
public sealed class RecoveryPlan
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 500;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>In start order (<see cref="RecoveryPlanGroup.Position"/> 0 first).</summary>
    public List<RecoveryPlanGroup> Groups { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IEnumerable<RecoveryPlanMember> Members => Groups.OrderBy(g => g.Position).SelectMany(g => g.Members.OrderBy(m => m.Position));

    public object AuditSnapshot() => new
    {
        Id,
        Name,
        Description,
        Groups = Groups.OrderBy(g => g.Position).Select(g => new
        {
            g.Position,
            g.Name,
            g.TimeoutSeconds,
            g.PreHook,
            g.PostHook,
            g.HookHypervisorId,
            Members = g.Members.OrderBy(m => m.Position).Select(m => new { m.VmPairId, m.DelaySeconds }),
        }),
    };
}
