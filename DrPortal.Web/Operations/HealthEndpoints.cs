using System.Text.Json;
using DrPortal.Infrastructure.Health;
using DrPortal.Infrastructure.Metrics;
using DrPortal.Web.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DrPortal.Web.Operations;

/// <summary>
/// /healthz (the process answers), /readyz (MariaDB, the job server, the repository) and /metrics (Prometheus).
/// The probes are anonymous and say only a status word per check: no paths, versions, hosts or exception text (the
/// health check service logs those). /metrics is for the networks and token of <see cref="MetricsAccess"/>.
/// </summary>
internal static class HealthEndpoints
{
    public const string Alive = "/healthz";
    public const string Ready = "/readyz";
    public const string Metrics = "/metrics";

    /// <summary>The three paths, which the first-run redirect and the page rate limits leave alone.</summary>
    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(Alive) || path.StartsWithSegments(Ready) || path.StartsWithSegments(Metrics);

    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(Alive, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(Ready, new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapGet(Metrics, ExportAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private static async Task<IResult> ExportAsync(HttpContext context, MetricsAccess access, PortalMetrics metrics)
    {
        if (!access.Allows(context))
        {
            if (access.TokenConfigured)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem("Send the metrics token as a bearer token, or scrape from an allowed network.", statusCode: StatusCodes.Status401Unauthorized);
            }
            return Results.Problem("This network may not read the metrics (DrPortal:Metrics:AllowedNetworks).", statusCode: StatusCodes.Status403Forbidden);
        }
        // Collected in full before anything is sent, so a failure is a clean 500 and not half an exposition.
        using var buffer = new MemoryStream();
        await metrics.ExportAsync(buffer, context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(buffer.ToArray(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
