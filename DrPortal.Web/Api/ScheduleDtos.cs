using DrPortal.Core.Schedules;

namespace DrPortal.Web.Api;

public sealed record ScheduleRunDto(long Id, DateTimeOffset SlotTime, DateTimeOffset ClaimedAt, bool IsCatchUp, ScheduleRunOutcome Outcome, long? TaskId, string? Message)
{
    public static ScheduleRunDto From(ScheduleRun r) => new(r.Id, r.SlotTime, r.ClaimedAt, r.IsCatchUp, r.Outcome, r.TaskId, r.Message);
}

public sealed record ScheduleDto(
    int Id, int VmPairId, string? PairLabel, ScheduleKind Kind, ScheduleTiming Timing, string? DailyAt, string? Cron, string CronExpression,
    string TimeZone, bool Enabled, string? Note, RetentionPolicy Retention, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? NextRun, ScheduleRunDto? LastRun)
{
    public static ScheduleDto From(Schedule s, DateTimeOffset? nextRun, ScheduleRun? lastRun) => new(
        s.Id, s.VmPairId, s.VmPair?.Describe(), s.Kind, s.Timing, s.DailyAt, s.Cron, s.CronExpression, s.TimeZone, s.Enabled, s.Note,
        s.Retention, s.CreatedAt, s.UpdatedAt, nextRun, lastRun is null ? null : ScheduleRunDto.From(lastRun));
}

/// <summary>Upcoming run times, each with the offset of the schedule's zone at that moment (so DST shifts are visible).</summary>
public sealed record SchedulePreviewDto(string TimeZone, IReadOnlyList<DateTimeOffset> Runs)
{
    public static SchedulePreviewDto From(string timeZone, IReadOnlyList<DateTimeOffset> slots)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return new(timeZone, slots.Select(s => TimeZoneInfo.ConvertTime(s, zone)).ToList());
    }
}

public sealed record RetentionPreviewRequest(int PairId, RetentionPolicy? Policy, string? TimeZone = null);

public sealed record RetentionVerdictDto(long ArchiveId, string Label, DateTimeOffset CreatedAt, bool Verified, IReadOnlyList<string> Reasons)
{
    public static RetentionVerdictDto From(RetentionDecision d) =>
        new(d.Archive.Id, d.Archive.Label, d.Archive.CreatedAt, d.Archive.IsVerified, d.Reasons);
}

/// <summary>What a policy would keep and delete, newest first.</summary>
public sealed record RetentionPreviewDto(IReadOnlyList<RetentionVerdictDto> Keep, IReadOnlyList<RetentionVerdictDto> Delete)
{
    public static RetentionPreviewDto From(IReadOnlyList<RetentionDecision> decisions) => new(
        decisions.Where(d => d.Keep).Select(RetentionVerdictDto.From).ToList(),
        decisions.Where(d => !d.Keep).Select(RetentionVerdictDto.From).ToList());
}
