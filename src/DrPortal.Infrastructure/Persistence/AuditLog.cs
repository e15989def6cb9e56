using System.Text.Json;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class AuditLog(IDbContextFactory<DrPortalDbContext> contexts, IClock clock) : IAuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Builds an entry to be saved in the same SaveChanges as the change it describes.</summary>
    public static AuditEntry Entry(IClock clock, string actor, string action, string entityType, string? entityId, string summary, object? before, object? after) => new()
    {
        At = clock.UtcNow,
        Actor = actor,
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        Summary = summary.Length > 1000 ? summary[..1000] : summary,
        Before = before is null ? null : JsonSerializer.Serialize(before, Json),
        After = after is null ? null : JsonSerializer.Serialize(after, Json),
    };

    public async Task RecordAsync(string actor, string action, string entityType, string? entityId, string summary, object? before, object? after, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.AuditEntries.Add(Entry(clock, actor, action, entityType, entityId, summary, before, after));
        await db.SaveChangesAsync(ct);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            q = q.Where(a => a.EntityType == query.EntityType);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Parameterised LIKE through EF; the pattern's own wildcards are escaped by EF.Functions.Like's caller below.
            var term = query.Search.Trim();
            q = q.Where(a => a.Actor.Contains(term) || a.Action.Contains(term) || a.EntityType.Contains(term) || (a.Summary != null && a.Summary.Contains(term)));
        }
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(a => a.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, 500))
            .ToListAsync(ct);
        return new AuditPage(items, total);
    }
}
