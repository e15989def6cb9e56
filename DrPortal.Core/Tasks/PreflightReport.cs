namespace DrPortal.Core.Tasks;

/// <summary>
/// Everything that can be known before a task starts: the same report the confirmation dialog shows and the
/// task's first stage acts on, so a run that would fail at its last stage fails in seconds instead.
/// </summary>
/// <param name="TargetSummary">One sentence on the target: "VM 9100 on pve-dr1 (the pair's replica) is stopped and replaced."</param>
public sealed record PreflightReport(IReadOnlyList<PreflightCheck> Checks, TargetFate Target, string TargetSummary)
{
    public bool CanRun => Checks.All(c => c.Status != PreflightStatus.Failed);

    public IEnumerable<PreflightCheck> Failures => Checks.Where(c => c.Status == PreflightStatus.Failed);
}
