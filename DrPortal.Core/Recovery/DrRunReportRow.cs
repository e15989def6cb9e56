using DrPortal.Core.Tasks;

namespace DrPortal.Core.Recovery;

/// <summary>One VM of a run's report.</summary>
/// <param name="DataAge">How old the data the VM was started from was when the run began (the achieved RPO).</param>
/// <param name="TimeToRunning">From the run's start until the hypervisor reported the VM running.</param>
/// <param name="TimeToCheck">From the run's start until the VM passed its boot check (the measured RTO).</param>
public sealed record DrRunReportRow(
    long TaskId, int? PairId, string Pair, int Group, string GroupTitle, string? Vm, DrTaskStatus Status,
    TimeSpan? DataAge, TimeSpan? TimeToRunning, TimeSpan? TimeToCheck, string? CheckResult, string? Error);
