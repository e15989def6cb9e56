using System.Globalization;
using System.Security.Claims;
using System.Text;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DrPortal.Web.Api;

internal static class AuditApi
{
    /// <summary>An export holds at most this many entries (newest first); narrow the filter for older ones.</summary>
    public const int MaxExportEntries = 100_000;

    private const int ExportPageSize = 500;

    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit");
        audit.MapGet("/", async Task<Results<Ok<Page<AuditEntryDto>>, ValidationProblem>> (string? search, string? user, string? type, string? entityType, DateTimeOffset? from, DateTimeOffset? to, int? skip, int? take,
                ClaimsPrincipal caller, IAuditLog log, CancellationToken ct) =>
            {
                if (Validate(from, to) is { } invalid)
                {
                    return invalid;
                }
                var page = await log.QueryAsync(new AuditQuery(search, type ?? entityType, skip ?? 0, take ?? 50, user, from, to, HideSecurity: !caller.SeesSecurityAudit()), ct);
                return TypedResults.Ok(new Page<AuditEntryDto>(page.Items.Select(AuditEntryDto.From).ToList(), page.Total));
            })
            .WithSummary("Entries newest first. Filters: search (actor, action, entity, summary), user (who acted, in part), type (entity type: " +
                         "Hypervisor, VmPair, Schedule, Task, Archive, User, ApiToken, Authentication), from (inclusive) and to (exclusive) as ISO 8601 times.");
        audit.MapGet("/export.csv", Results<PushStreamHttpResult, ValidationProblem> (string? search, string? user, string? type, string? entityType, DateTimeOffset? from, DateTimeOffset? to,
                HttpContext http, IAuditLog log, IClock clock) =>
            {
                if (Validate(from, to) is { } invalid)
                {
                    return invalid;
                }
                var query = new AuditQuery(search, type ?? entityType, 0, ExportPageSize, user, from, to, HideSecurity: !http.User.SeesSecurityAudit());
                var name = string.Create(CultureInfo.InvariantCulture, $"drportal-audit-{clock.UtcNow:yyyyMMdd-HHmmss}.csv");
                return TypedResults.Stream(stream => WriteCsvAsync(stream, log, query, http.RequestAborted), "text/csv; charset=utf-8", name);
            })
            .WithSummary($"The entries the same filters select, as CSV (at most {MaxExportEntries:N0}, newest first). Fields with commas, quotes or line breaks " +
                         "are quoted; values a spreadsheet would run as a formula are prefixed with an apostrophe.");
    }

    private static ValidationProblem? Validate(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t && f >= t
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["'to' must be later than 'from'."] }, title: "The request is not valid.")
            : null;

    private static async Task WriteCsvAsync(Stream body, IAuditLog log, AuditQuery query, CancellationToken ct)
    {
        // A byte-order mark tells spreadsheets the file is UTF-8 (names such as "→" stay readable).
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteAsync(AuditCsv.HeaderLine().AsMemory(), ct);
        long? upTo = null;
        for (var written = 0; written < MaxExportEntries;)
        {
            // Pinned to the entries that existed at the first page: new ones arriving meanwhile shift nothing.
            var page = await log.QueryAsync(query with { Skip = written, UpToId = upTo }, ct);
            if (page.Items.Count == 0)
            {
                break;
            }
            upTo ??= page.Items[0].Id;
            foreach (var entry in page.Items.Take(MaxExportEntries - written))
            {
                await writer.WriteAsync(AuditCsv.Line(entry).AsMemory(), ct);
            }
            written += page.Items.Count;
            await writer.FlushAsync(ct);
        }
    }
}
