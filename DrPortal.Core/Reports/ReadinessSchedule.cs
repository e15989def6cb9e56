namespace DrPortal.Core.Reports;

/// <summary>A schedule of a pair as the readiness report lists it ("Replicate daily at 02:00 (Europe/Berlin)").</summary>
public sealed record ReadinessSchedule(int ScheduleId, string Kind, string When, bool Enabled, DateTimeOffset? NextRun);
