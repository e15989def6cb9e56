using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;

namespace DrPortal.Web.Api;

/// <summary>A recovery plan: its groups in start order, each with its pairs in order.</summary>
public sealed record RecoveryPlanDto(
    int Id, string Name, string? Description, IReadOnlyList<RecoveryPlanGroupDto> Groups, int VmCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RecoveryPlanDto From(RecoveryPlan p) => new(
        p.Id, p.Name, p.Description, p.Groups.OrderBy(g => g.Position).Select(RecoveryPlanGroupDto.From).ToList(), p.Members.Count(), p.CreatedAt, p.UpdatedAt);
}

/// <param name="Position">0 starts first.</param>
/// <param name="Title">The group's name, or "Group N" when it has none.</param>
public sealed record RecoveryPlanGroupDto(
    int Position, string? Name, string Title, int TimeoutSeconds, string? PreHook, string? PostHook, int? HookHypervisorId,
    IReadOnlyList<RecoveryPlanMemberDto> Members)
{
    public static RecoveryPlanGroupDto From(RecoveryPlanGroup g) => new(
        g.Position, g.Name, g.Title, g.TimeoutSeconds, g.PreHook, g.PostHook, g.HookHypervisorId,
        g.Members.OrderBy(m => m.Position).Select(m => new RecoveryPlanMemberDto(m.VmPairId, m.VmPair?.Describe(), m.DelaySeconds)).ToList());
}

public sealed record RecoveryPlanMemberDto(int VmPairId, string? PairLabel, int DelaySeconds);

/// <summary>Body of POST /plans/{id}/drill and /pairs/{id}/drill.</summary>
/// <param name="KeepScratchMinutes">Keep the scratch VMs this long after the drill ends; 0 or missing removes them at once.</param>
public sealed record DrillRequestBody(int? KeepScratchMinutes);

/// <summary>Body of POST /plans/{id}/failover.</summary>
/// <param name="Mode">"planned" (a last replication first) or "disaster" (the primary site is gone).</param>
/// <param name="Confirm">The plan's name, typed exactly.</param>
/// <param name="ShutdownSources">Planned: shut the source VMs down gracefully before their last replication.</param>
public sealed record FailoverRequestBody(string? Mode, string? Confirm, bool ShutdownSources);

/// <summary>Body of POST /plans/{id}/failback.</summary>
/// <param name="Confirm">The plan's name, typed exactly.</param>
/// <param name="Target">"original" (over the source VMs; needs confirmOverwrite) or "newVm".</param>
/// <param name="ConfirmOverwrite">True confirms that the original source VMs are replaced.</param>
public sealed record FailbackRequestBody(string? Confirm, string? Target, bool ConfirmOverwrite);

/// <summary>A drill, failover or failback with its groups and one task per VM.</summary>
/// <param name="RecoverySeconds">The measured RTO: from the run's start until its last VM passed its check; null until then.</param>
public sealed record DrRunDto(
    long Id, DrRunKind Kind, int? RecoveryPlanId, int? VmPairId, string Label, DrRunStatus Status, string RequestedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, bool CancelRequested,
    bool ShutdownSources, FailbackTarget FailbackTarget, int KeepScratchMinutes, DateTimeOffset? ScratchRemoveAt, DateTimeOffset? ScratchRemovedAt,
    double? RecoverySeconds, IReadOnlyList<DrRunGroupDto> Groups, IReadOnlyList<DrRunTaskDto> Tasks)
{
    public static DrRunDto From(DrRun r) => new(
        r.Id, r.Kind, r.RecoveryPlanId, r.VmPairId, r.Label, r.Status, r.RequestedBy, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Error, r.CancelRequested,
        r.ShutdownSources, r.FailbackTarget, r.KeepScratchMinutes, r.ScratchRemoveAt, r.ScratchRemovedAt, r.RecoveryTime?.TotalSeconds,
        r.Groups.OrderBy(g => g.Position).Select(DrRunGroupDto.From).ToList(),
        r.Tasks.OrderBy(t => t.RunGroupPosition).ThenBy(t => t.Id).Select(DrRunTaskDto.From).ToList());
}

/// <param name="TimedOut">The next group started because this one's timeout ended; <see cref="Log"/> names the VMs that did not make it.</param>
public sealed record DrRunGroupDto(int Position, string Title, int TimeoutSeconds, DateTimeOffset? ReleasedAt, DateTimeOffset? SettledAt, bool TimedOut, string? Log)
{
    public static DrRunGroupDto From(DrRunGroup g) => new(g.Position, g.Title, g.TimeoutSeconds, g.ReleasedAt, g.SettledAt, g.TimedOut, g.Log);
}

/// <summary>One VM of a run: its task (as GET /tasks/{id} shows it) and what the run measured.</summary>
public sealed record DrRunTaskDto(
    TaskDto Task, int? GroupPosition, int DelaySeconds, string? ScratchVm, DateTimeOffset? PointCreatedAt, DateTimeOffset? RunningAt,
    DateTimeOffset? CheckPassedAt, string? CheckResult)
{
    public static DrRunTaskDto From(Core.Tasks.DrTask t) => new(
        TaskDto.From(t), t.RunGroupPosition, t.DelaySeconds, t.ScratchVm, t.PointCreatedAt, t.RunningAt, t.CheckPassedAt, t.CheckResult);
}

/// <summary>A run's report: per VM the data age (achieved RPO), the time to running and to passing the check (RTO).</summary>
public sealed record DrRunReportDto(
    long RunId, DrRunKind Kind, string Label, DrRunStatus Status, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? RecoverySeconds,
    IReadOnlyList<DrRunReportRowDto> Rows)
{
    public static DrRunReportDto From(DrRunReport report) => new(
        report.Run.Id, report.Run.Kind, report.Run.Label, report.Run.Status, report.Run.StartedAt, report.Run.FinishedAt,
        report.Run.RecoveryTime?.TotalSeconds, report.Rows.Select(DrRunReportRowDto.From).ToList());
}

/// <param name="Group">The group's position, 0 first.</param>
/// <param name="Vm">A drill's scratch VM; null for a failover or failback (the pair's own VM).</param>
public sealed record DrRunReportRowDto(
    long TaskId, int? PairId, string Pair, int Group, string GroupTitle, string? Vm, Core.Tasks.DrTaskStatus Status,
    double? DataAgeSeconds, double? TimeToRunningSeconds, double? TimeToCheckSeconds, string? CheckResult, string? Error)
{
    public static DrRunReportRowDto From(DrRunReportRow r) => new(
        r.TaskId, r.PairId, r.Pair, r.Group, r.GroupTitle, r.Vm, r.Status,
        r.DataAge?.TotalSeconds, r.TimeToRunning?.TotalSeconds, r.TimeToCheck?.TotalSeconds, r.CheckResult, r.Error);
}

/// <summary>A pair's recovery settings, with what the recovery host offers and where the pair's service runs.</summary>
/// <param name="TargetNetworks">The recovery host's networks (isolated ones have no uplink); empty with networksError when it did not answer.</param>
/// <param name="SourceNics">The source VM's NICs; when its host did not answer, the ones recorded at the last backup (nicsError says so).</param>
/// <param name="Direction">FailedOver while the pair's service runs on the recovery site (its schedules are paused, replication is refused).</param>
/// <param name="LastDrillPassed">The last drill's verdict; null when the pair was never drilled.</param>
public sealed record PairRecoveryDto(
    int PairId, IReadOnlyList<NicMapping> FailoverNetwork, IReadOnlyList<NicMapping> DrillNetwork, BootCheck BootCheck,
    IReadOnlyList<HostNetwork> TargetNetworks, string? NetworksError, IReadOnlyList<VmNic> SourceNics, string? NicsError,
    PairDirection Direction, DateTimeOffset? FailedOverAt, DateTimeOffset? LastDrillAt, bool? LastDrillPassed, long? LastDrillRunId)
{
    public static PairRecoveryDto From(PairRecoveryView v, VmPair? pair) => new(
        v.PairId, v.Settings.FailoverNetwork ?? [], v.Settings.DrillNetwork ?? [], v.Settings.BootCheck ?? BootCheck.Default,
        v.TargetNetworks, v.NetworksError, v.SourceNics, v.NicsError,
        pair?.Direction ?? PairDirection.Protected, pair?.FailedOverAt, pair?.LastDrillAt, pair?.LastDrillPassed, pair?.LastDrillRunId);
}

/// <summary>What PUT /pairs/{id}/recovery saved, with the pair's direction and last drill.</summary>
public sealed record PairRecoverySavedDto(
    int PairId, IReadOnlyList<NicMapping> FailoverNetwork, IReadOnlyList<NicMapping> DrillNetwork, BootCheck BootCheck,
    PairDirection Direction, DateTimeOffset? LastDrillAt, bool? LastDrillPassed)
{
    public static PairRecoverySavedDto From(VmPair p) => new(p.Id, p.FailoverNetwork, p.DrillNetwork, p.BootCheck, p.Direction, p.LastDrillAt, p.LastDrillPassed);
}
