namespace DrPortal.Core.Notifications;

/// <summary>Where a <see cref="NotificationDelivery"/> stands.</summary>
public enum DeliveryOutcome
{
    /// <summary>Not sent yet: waiting for its first attempt, a retry, or its digest hour.</summary>
    Pending,
    Sent,

    /// <summary>Every attempt failed; not tried again.</summary>
    Failed,
}
