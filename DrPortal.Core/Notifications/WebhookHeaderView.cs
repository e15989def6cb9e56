namespace DrPortal.Core.Notifications;

/// <summary>A header's name and whether a value is set; the value itself is never shown again.</summary>
public sealed record WebhookHeaderView(string Name, bool ValueSet);
