namespace DrPortal.Core.Notifications;

/// <summary>A header as the admin edits it: a null value keeps the stored (secret) one.</summary>
public sealed record WebhookHeaderInput(string? Name, string? Value);
