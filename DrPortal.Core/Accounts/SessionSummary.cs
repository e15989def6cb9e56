namespace DrPortal.Core.Accounts;

/// <summary>One active browser session of a user, as the Account page and the API list it.</summary>
/// <param name="IsCurrent">Whether this is the session of the one asking.</param>
public sealed record SessionSummary(
    string Id, DateTimeOffset SignedInAt, DateTimeOffset LastSeenAt, DateTimeOffset EndsAt, string? ClientAddress, string? Browser, bool IsCurrent);
