using System.Text.Encodings.Web;
using System.Text.Json;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class AuditLog(IDbContextFactory<DrPortalDbContext> contexts, IClock clock) : IAuditLog
{
    // Snapshots are read by people: "+00:00" rather than "\u002B00:00". The relaxed encoder is safe here because a
    // snapshot is only ever shown as text (Blazor encodes it) or written to CSV and the API as a string value, never
    // placed into HTML or a script as markup.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
        if (query.HideSecurity)
        {
            var hidden = SecurityEntries.EntityTypes.ToList();
            q = q.Where(a => !hidden.Contains(a.EntityType));
        }
        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            q = q.Where(a => a.EntityType == query.EntityType);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // EF passes the term as a parameter and matches it literally (no wildcards of the user's reach SQL).
            var term = query.Search.Trim();
            q = q.Where(a => a.Actor.Contains(term) || a.Action.Contains(term) || a.EntityType.Contains(term) || (a.Summary != null && a.Summary.Contains(term)));
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim();
            q = q.Where(a => a.Actor.Contains(actor));
        }
        if (query.From is { } from)
        {
            q = q.Where(a => a.At >= from);
        }
        if (query.To is { } to)
        {
            q = q.Where(a => a.At < to);
        }
        if (query.UpToId is { } upTo)
        {
            q = q.Where(a => a.Id <= upTo);
        }
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(a => a.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, 500))
            .ToListAsync(ct);
        return new AuditPage(items, total);
    }
}
