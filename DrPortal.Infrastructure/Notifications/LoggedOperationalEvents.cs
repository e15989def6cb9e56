using DrPortal.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Writes each <see cref="OperationalEvent"/> to the log; the notification dispatcher builds on this.</summary>
internal sealed partial class LoggedOperationalEvents(ILogger<LoggedOperationalEvents> logger) : IOperationalEvents
{
    public void Publish(OperationalEvent e) => LogEvent(logger, e.Kind, e.Severity, e.Summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Kind} ({Severity}): {Summary}")]
    private static partial void LogEvent(ILogger logger, OperationalEventKind kind, EventSeverity severity, string summary);
}
