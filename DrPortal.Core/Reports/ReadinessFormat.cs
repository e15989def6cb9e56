using System.Globalization;

namespace DrPortal.Core.Reports;

/// <summary>The words and numbers of a readiness row, the same on the page, in the CSV and in the digest.</summary>
public static class ReadinessFormat
{
    public static string Span(TimeSpan? span)
    {
        if (span is not { } s)
        {
            return "";
        }
        if (s.TotalMinutes < 1)
        {
            return $"{Math.Max(0, s.TotalSeconds):0} s";
        }
        if (s.TotalHours < 1)
        {
            return $"{s.TotalMinutes:0} min";
        }
        return s.TotalDays < 2 ? string.Create(CultureInfo.InvariantCulture, $"{s.TotalHours:0.#} h") : string.Create(CultureInfo.InvariantCulture, $"{s.TotalDays:0.#} d");
    }

    public static string Utc(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";

    public static string Drill(ReadinessRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.LastDrillAt is null)
        {
            return "never drilled";
        }
        var outcome = row.LastDrillPassed == true ? "passed" : "failed";
        return $"{outcome} {Utc(row.LastDrillAt)}" + (row.LastDrillRto is { } rto ? $", RTO {Span(rto)}" : "");
    }

    public static string Schedules(ReadinessRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Schedules.Count == 0
            ? "none"
            : string.Join("; ", row.Schedules.Select(s => $"{s.When}{(s.Enabled ? "" : " (disabled)")}"));
    }

    public static string Failures(ReadinessRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Join("; ", row.LastFailures.Select(f => $"#{f.TaskId} {f.Kind} {Utc(f.At)}: {f.Error}"));
    }
}
