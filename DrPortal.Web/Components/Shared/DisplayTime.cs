using System.Globalization;

namespace DrPortal.Web.Components.Shared;

/// <summary>
/// How the portal writes a moment: always with its ISO date (never "Wed 12-02" nor a bare time that could be any day),
/// in the user's time zone, 24-hour.
/// </summary>
internal static class DisplayTime
{
    /// <summary>To the second: "2026-12-02 04:47:06".</summary>
    public static string When(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string When(DateTimeOffset? at, TimeZoneInfo zone) => at is { } value ? When(value, zone) : "never";

    /// <summary>Compact, for table cells: "2026-12-02 04:47".</summary>
    public static string Moment(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>For a tooltip: the second, the offset and the zone, "2026-12-02 05:47:06 UTC+01:00 (Europe/Berlin)".</summary>
    public static string Full(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC{sign}{offset.Duration():hh\\:mm} ({zone.Id})";
    }
}
