namespace DrPortal.Core.Notifications;

/// <summary>The kinds of <see cref="OperationalEvent"/>; notification rules select on these.</summary>
public enum OperationalEventKind
{
    TaskFailed,
    TaskSucceededWithWarnings,
    TaskSucceeded,
    ScheduleSlotMissed,
    RpoBreached,
    RpoRecovered,
    DrillFailed,
    HostUnreachable,
    HostReachable,
    HostKeyChanged,
    RepositorySpaceLow,
    VerifyFoundBadCopy,
}
