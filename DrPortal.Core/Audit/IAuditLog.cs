namespace DrPortal.Core.Audit;

/// <summary>
/// Which entries to list: <see cref="Search"/> looks in actor, action, entity and summary; <see cref="Actor"/> is the
/// user (or schedule) who acted, matched in part; <see cref="EntityType"/> the kind of thing; <see cref="From"/> and
/// <see cref="To"/> bound the time (from inclusive, to exclusive); <see cref="UpToId"/> pins a listing to the entries
/// that existed when it started, so paging through an export does not shift as new entries arrive;
/// <see cref="HideSecurity"/> leaves out the <see cref="SecurityEntries"/> (for Viewers).
/// </summary>
public sealed record AuditQuery(
    string? Search = null, string? EntityType = null, int Skip = 0, int Take = 50,
    string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? UpToId = null, bool HideSecurity = false);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>The append-only record of who changed or ran what.</summary>
public interface IAuditLog
{
    /// <param name="before">An object serialized as JSON; must not contain secrets.</param>
    /// <param name="after">An object serialized as JSON; must not contain secrets.</param>
    Task RecordAsync(string actor, string action, string entityType, string? entityId, string summary, object? before, object? after, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct);
}
