namespace DrPortal.Web.Components.Shared;

/// <summary>
/// The time zone the signed-in user's browser reports, cascaded by the layout so every page shows times in it.
/// UTC until the browser has answered (prerendering, no script), and for a zone the server does not know.
/// </summary>
public sealed record UserTimeZone(TimeZoneInfo Zone)
{
    public static UserTimeZone Utc { get; } = new(TimeZoneInfo.Utc);

    /// <summary>The zone of an IANA id such as "Europe/Berlin"; UTC when the id is empty or unknown here.</summary>
    public static UserTimeZone FromId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? new UserTimeZone(zone) : Utc;
}
