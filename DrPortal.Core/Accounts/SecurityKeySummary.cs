namespace DrPortal.Core.Accounts;

/// <summary>A security key as its owner sees it on the Account page.</summary>
public sealed record SecurityKeySummary(int Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
