using DrPortal.Core.Pairs;

namespace DrPortal.Core.Reports;

/// <summary>One pair's readiness for a disaster: its RPO against what it achieves, where its newest good point lies, its drill, schedules and failures.</summary>
/// <param name="RpoAchieved">The age of the newest good restore point when the report was made; null when there is none.</param>
/// <param name="NewestPointCopies">Where copies of the newest good point are ("repository", the hosts' names).</param>
/// <param name="LastDrillRto">The drill's measured recovery time for this VM (run start until its boot check passed); null when it did not pass.</param>
public sealed record ReadinessRow(
    int PairId, string Pair, RpoStatus RpoStatus, TimeSpan? RpoTarget, TimeSpan? RpoAchieved,
    long? NewestPointId, string? NewestPointLabel, DateTimeOffset? NewestPointAt, IReadOnlyList<string> NewestPointCopies,
    DateTimeOffset? LastDrillAt, bool? LastDrillPassed, long? LastDrillRunId, TimeSpan? LastDrillRto,
    IReadOnlyList<ReadinessSchedule> Schedules, IReadOnlyList<ReadinessFailure> LastFailures);
