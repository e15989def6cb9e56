namespace DrPortal.Web.Components.Pages.Schedules;

/// <summary>The IANA time zones this server knows, for the schedule form's autocomplete.</summary>
internal static class TimeZoneChoices
{
    private static readonly Lazy<IReadOnlyList<string>> Ids = new(Load);

    public static IReadOnlyList<string> All => Ids.Value;

    /// <summary>Zones whose id contains the text; a space matches the underscore ("new york" finds America/New_York).</summary>
    public static IEnumerable<string> Search(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return All;
        }
        var term = text.Trim().Replace(' ', '_');
        return All.Where(id => id.Contains(term, StringComparison.OrdinalIgnoreCase));
    }

    private static IReadOnlyList<string> Load()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal) { "UTC", Core.Schedules.ScheduleInput.ServerTimeZoneId() };
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            if (zone.HasIanaId)
            {
                ids.Add(zone.Id);
            }
            else if (TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana))
            {
                ids.Add(iana);
            }
        }
        return [.. ids];
    }
}
