using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;

namespace DrPortal.Web.Components.Shared;

/// <summary>How the portal writes common values on screen, the same way on every page.</summary>
internal static class Display
{
    /// <summary>"host:port", with brackets around IPv6 literals as ssh users know them.</summary>
    public static string Endpoint(Hypervisor h) =>
        h.Address.Contains(':', StringComparison.Ordinal) ? $"[{h.Address}]:{h.SshPort}" : $"{h.Address}:{h.SshPort}";

    public static string SiteName(Site site) => site switch
    {
        Site.Primary => "Primary",
        Site.Recovery => "Recovery",
        _ => site.ToString(),
    };

    public static string SiteDescription(Site site) => site switch
    {
        Site.Primary => "Primary (data center)",
        Site.Recovery => "Recovery (DR center)",
        _ => site.ToString(),
    };

    /// <summary>The portal server's local time, to the second.</summary>
    public static string When(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string When(DateTimeOffset? at) => at is { } value ? When(value) : "never";

    public static string Megabytes(long mb) =>
        mb >= 1024 ? (mb / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " GiB" : mb.ToString(CultureInfo.InvariantCulture) + " MiB";

    public static string Gigabytes(double gb) => gb.ToString("0.##", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>The message of a refused command: its own message, or its field errors joined.</summary>
    public static string Refusal<T>(Result<T> result) =>
        result.Message ?? (result.Errors is { } errors ? string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)) : "The request was refused.");
}
