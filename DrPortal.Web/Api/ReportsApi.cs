using System.Globalization;
using System.Text;
using DrPortal.Core.Common;
using DrPortal.Core.Reports;

namespace DrPortal.Web.Api;

internal static class ReportsApi
{
    public static void MapReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/readiness", async (IReadinessReport report, CancellationToken ct) => TypedResults.Ok(await report.BuildAsync(ct)))
            .WithSummary("The DR readiness report: per pair its RPO target and achieved, newest good restore point and its copies, " +
                         "last drill and its RTO, schedules, and the newest failures of the last 30 days.");
        reports.MapGet("/readiness.csv", async (IReadinessReport report, IClock clock, CancellationToken ct) =>
            {
                var csv = ReadinessCsv.Write(await report.BuildAsync(ct));
                var name = string.Create(CultureInfo.InvariantCulture, $"drportal-readiness-{clock.UtcNow:yyyyMMdd-HHmmss}.csv");
                // A byte-order mark tells spreadsheets the file is UTF-8 (the "→" of pair names stays readable).
                var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
                return TypedResults.File(bytes, "text/csv; charset=utf-8", name);
            })
            .WithSummary("The readiness report as CSV (RFC 4180): fields with commas, quotes or line breaks are quoted; values a " +
                         "spreadsheet would run as a formula (= + - @) are prefixed with an apostrophe.");
    }
}
