using DrPortal.Core.Audit;

namespace DrPortal.Tests.Support;

/// <summary>
/// The real audit log, except that a change (not a create) or a search naming <see cref="Marker"/> throws an exception whose text
/// holds a made-up secret: the way to prove that a failure nobody foresaw still answers a bare problem detail.
/// </summary>
public sealed class FailingAuditLog(IAuditLog inner) : IAuditLog
{
    public const string Marker = "fail-me";
    public const string Secret = "Password=hunter2-in-the-exception";

    public Task RecordAsync(string actor, string action, string entityType, string? entityId, string summary, object? before, object? after, CancellationToken ct) =>
        action != "create" && summary.Contains(Marker, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"Simulated failure: {Secret}")
            : inner.RecordAsync(actor, action, entityType, entityId, summary, before, after, ct);

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct) =>
        query.Search == Marker ? throw new InvalidOperationException($"Simulated failure: {Secret}") : inner.QueryAsync(query, ct);
}
