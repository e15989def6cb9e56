namespace DrPortal.Core.Recovery;

/// <summary>A plan group as one run executes it: copied from the plan when the run is requested, so later edits do not change it.</summary>
public sealed class DrRunGroup
{
    public const int HookLogMaxLength = 4000;

    public long Id { get; set; }
    public long DrRunId { get; set; }
    public int Position { get; set; }
    public string Title { get; set; } = "";
    public int TimeoutSeconds { get; set; }
    public string? PreHook { get; set; }
    public string? PostHook { get; set; }
    public int? HookHypervisorId { get; set; }

    /// <summary>When its VMs were allowed to start (after the previous group settled and this one's pre-hook passed).</summary>
    public DateTimeOffset? ReleasedAt { get; set; }

    /// <summary>When every VM passed its check or ended, or the timeout ended, and its post-hook ran.</summary>
    public DateTimeOffset? SettledAt { get; set; }

    /// <summary>The next group started because this one's timeout ended, not because all its VMs passed.</summary>
    public bool TimedOut { get; set; }

    /// <summary>What the hooks printed, and which VMs did not make it in time.</summary>
    public string? Log { get; set; }
}
