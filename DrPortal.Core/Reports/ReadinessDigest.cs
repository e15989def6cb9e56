using System.Net;
using System.Text;
using DrPortal.Core.Pairs;

namespace DrPortal.Core.Reports;

/// <summary>
/// The readiness report as the body of a message (the weekly digest): plain text, and HTML with every value encoded.
/// Pairs that need attention (RPO breached or at risk, drill failed or never run, recent failures) come first.
/// </summary>
public static class ReadinessDigest
{
    public static string Subject(ReadinessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var attention = report.Rows.Count(NeedsAttention);
        return $"DR readiness {report.GeneratedAt.UtcDateTime:yyyy-MM-dd}: {report.Rows.Count} pair(s), {attention} need attention";
    }

    public static string RenderText(ReadinessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder().AppendLine(Subject(report)).AppendLine();
        foreach (var row in Ordered(report))
        {
            text.AppendLine(row.Pair)
                .AppendLine($"  RPO: {Rpo(row)}")
                .AppendLine($"  Newest good point: {Point(row)}")
                .AppendLine($"  Last drill: {ReadinessFormat.Drill(row)}")
                .AppendLine($"  Schedules: {ReadinessFormat.Schedules(row)}");
            if (row.LastFailures.Count > 0)
            {
                text.AppendLine($"  Failures (last {report.FailureDays} days): {ReadinessFormat.Failures(row)}");
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    public static string RenderHtml(ReadinessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = new StringBuilder()
            .Append("<h2>").Append(E(Subject(report))).Append("</h2>")
            .Append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>Pair</th><th>RPO</th><th>Newest good point</th><th>Last drill</th><th>Schedules</th><th>Failures</th></tr>");
        foreach (var row in Ordered(report))
        {
            html.Append("<tr><td>").Append(E(row.Pair))
                .Append("</td><td>").Append(E(Rpo(row)))
                .Append("</td><td>").Append(E(Point(row)))
                .Append("</td><td>").Append(E(ReadinessFormat.Drill(row)))
                .Append("</td><td>").Append(E(ReadinessFormat.Schedules(row)))
                .Append("</td><td>").Append(E(ReadinessFormat.Failures(row)))
                .Append("</td></tr>");
        }
        return html.Append("</table>").ToString();
    }

    public static bool NeedsAttention(ReadinessRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.RpoStatus is RpoStatus.Breached or RpoStatus.AtRisk || row.LastDrillPassed != true || row.LastFailures.Count > 0;
    }

    private static IEnumerable<ReadinessRow> Ordered(ReadinessReport report) =>
        report.Rows.OrderByDescending(NeedsAttention).ThenBy(r => r.Pair, StringComparer.Ordinal);

    private static string Rpo(ReadinessRow row) => row.RpoTarget is null
        ? $"no target (newest point {(row.RpoAchieved is { } a ? ReadinessFormat.Span(a) + " old" : "none")})"
        : $"{row.RpoStatus}: target {ReadinessFormat.Span(row.RpoTarget)}, achieved {(row.RpoAchieved is { } b ? ReadinessFormat.Span(b) : "no good point")}";

    private static string Point(ReadinessRow row) => row.NewestPointLabel is null
        ? "none"
        : $"{row.NewestPointLabel} ({ReadinessFormat.Utc(row.NewestPointAt)}) on {string.Join(", ", row.NewestPointCopies)}";
}
