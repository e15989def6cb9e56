namespace DrPortal.Core.Notifications;

/// <summary>How a <see cref="NotificationTarget"/> is reached.</summary>
public enum NotificationTargetKind
{
    Email,
    Webhook,
}
