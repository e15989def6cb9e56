using System.Globalization;
using System.Text;
using DrPortal.Core.Audit;

namespace DrPortal.Core.Reports;

/// <summary>The readiness report as CSV (RFC 4180), quoted and formula-safe as <see cref="AuditCsv.Field"/> makes every field.</summary>
public static class ReadinessCsv
{
    public static readonly string[] Header =
    [
        "Pair id", "Pair", "RPO status", "RPO target (min)", "RPO achieved (min)", "Newest good point", "Point made (UTC)",
        "Copies", "Last drill", "Drill passed", "Drill RTO (s)", "Schedules", "Last failures",
    ];

    public static string Write(ReadinessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Header.Select(AuditCsv.Field))).Append("\r\n");
        foreach (var row in report.Rows)
        {
            csv.Append(string.Join(',', new[]
            {
                row.PairId.ToString(CultureInfo.InvariantCulture),
                row.Pair,
                row.RpoStatus.ToString(),
                Number(row.RpoTarget?.TotalMinutes),
                Number(row.RpoAchieved?.TotalMinutes),
                row.NewestPointLabel,
                ReadinessFormat.Utc(row.NewestPointAt),
                string.Join(" ", row.NewestPointCopies),
                ReadinessFormat.Utc(row.LastDrillAt),
                row.LastDrillPassed is { } passed ? (passed ? "yes" : "no") : "",
                Number(row.LastDrillRto?.TotalSeconds),
                ReadinessFormat.Schedules(row),
                ReadinessFormat.Failures(row),
            }.Select(AuditCsv.Field))).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Number(double? value) => value is { } v ? Math.Round(v).ToString(CultureInfo.InvariantCulture) : "";
}
