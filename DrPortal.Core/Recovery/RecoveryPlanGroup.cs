namespace DrPortal.Core.Recovery;

/// <summary>
/// One priority group of a plan. It starts when every VM of the group before it runs and has passed its boot check,
/// or when that group's timeout ends. Its hooks run on a recovery host before and after it.
/// </summary>
public sealed class RecoveryPlanGroup
{
    public const int DefaultTimeoutSeconds = 600;
    public const int MinTimeoutSeconds = 10;
    public const int MaxTimeoutSeconds = 24 * 3600;
    public const int HookMaxLength = 1000;

    public int Id { get; set; }
    public int RecoveryPlanId { get; set; }
    public int Position { get; set; }
    public string? Name { get; set; }

    /// <summary>How long the next group waits for this one's VMs to pass their checks before it starts anyway.</summary>
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;

    /// <summary>A command run by sh on <see cref="HookHypervisorId"/> before the group's VMs start; non-zero fails the group.</summary>
    public string? PreHook { get; set; }

    /// <summary>A command run after the group's VMs passed their checks (or its timeout ended).</summary>
    public string? PostHook { get; set; }

    /// <summary>The recovery host the hooks run on; null runs them on the recovery host of the group's first VM.</summary>
    public int? HookHypervisorId { get; set; }

    public List<RecoveryPlanMember> Members { get; set; } = [];

    public string Title => Name ?? $"Group {Position + 1}";
}
