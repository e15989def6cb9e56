namespace DrPortal.Core.Notifications;

/// <summary>What "Send test" reports: whether the target took the message, and what it said or why it failed.</summary>
public sealed record TestSendResult(bool Delivered, string Message);
