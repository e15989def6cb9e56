namespace DrPortal.Core.Notifications;

public enum EventSeverity
{
    Info,
    Warning,
    Error,
}
