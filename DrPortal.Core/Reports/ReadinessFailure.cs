using DrPortal.Core.Tasks;

namespace DrPortal.Core.Reports;

/// <summary>A recent failed task of a pair and why it failed.</summary>
public sealed record ReadinessFailure(long TaskId, DrTaskKind Kind, DateTimeOffset At, string? Error);
