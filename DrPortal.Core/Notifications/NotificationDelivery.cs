namespace DrPortal.Core.Notifications;

/// <summary>
/// One message to one target: a single event, or a day's events for a digest. The events are kept on the row, so a
/// delivery pending when the portal stops is sent after it starts again.
/// </summary>
public sealed class NotificationDelivery
{
    public const int SummaryMaxLength = 500;
    public const int ErrorMaxLength = 1000;
    public const int MaxAttempts = 6;

    public long Id { get; set; }
    public int? TargetId { get; set; }
    public string TargetName { get; set; } = "";
    public int? RuleId { get; set; }
    public DeliveryMode Mode { get; set; }
    public string Summary { get; set; } = "";
    public List<OperationalEvent> Events { get; set; } = [];
    public DeliveryOutcome Outcome { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When the next attempt is due (the digest hour, or the back-off after a failure).</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>Exponential back-off: base, 2×, 4×, … after each failed attempt, capped at an hour.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan baseDelay) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, baseDelay.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));
}
