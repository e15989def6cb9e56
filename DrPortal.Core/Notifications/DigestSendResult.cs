namespace DrPortal.Core.Notifications;

/// <summary>How one target took the readiness digest: whether it was delivered, and what it said or why it failed.</summary>
public sealed record DigestSendResult(int TargetId, string Target, bool Delivered, string Message);
