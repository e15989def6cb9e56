namespace DrPortal.Core.Recovery;

/// <summary>What the coordinator wants next after one look at a run.</summary>
/// <param name="Finished">Nothing more to do, ever.</param>
/// <param name="WakeAt">Nothing to do before this time (a drill's kept scratch VMs); null looks again soon.</param>
public sealed record RunStep(bool Finished, DateTimeOffset? WakeAt = null)
{
    public static RunStep Again { get; } = new(false);
    public static RunStep Done { get; } = new(true);
}
