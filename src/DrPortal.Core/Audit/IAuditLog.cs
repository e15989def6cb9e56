namespace DrPortal.Core.Audit;

public sealed record AuditQuery(string? Search = null, string? EntityType = null, int Skip = 0, int Take = 50);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total);

/// <summary>The append-only record of who changed or ran what.</summary>
public interface IAuditLog
{
    /// <param name="before">An object serialized as JSON; must not contain secrets.</param>
    /// <param name="after">An object serialized as JSON; must not contain secrets.</param>
    Task RecordAsync(string actor, string action, string entityType, string? entityId, string summary, object? before, object? after, CancellationToken ct);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct);
}
