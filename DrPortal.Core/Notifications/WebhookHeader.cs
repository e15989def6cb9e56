namespace DrPortal.Core.Notifications;

/// <summary>One header a webhook sends. At rest the value is encrypted (it often carries a token); it is never shown again.</summary>
public sealed record WebhookHeader(string Name, string Value);
