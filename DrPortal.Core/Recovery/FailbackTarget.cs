namespace DrPortal.Core.Recovery;

/// <summary>Where a failback puts each recovery VM on the primary site.</summary>
public enum FailbackTarget
{
    /// <summary>Over the original source VM; it must be stopped (or gone), and the request must confirm the overwrite.</summary>
    Original,

    /// <summary>Into a new VM beside the original, which is left as it is.</summary>
    NewVm,
}
