namespace DrPortal.Core.Notifications;

/// <summary>When a rule's events are sent: each at once, or one message a day listing them.</summary>
public enum DeliveryMode
{
    Immediate,
    DailyDigest,
}
