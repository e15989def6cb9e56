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

    /// <summary>The portal server's time, to the second; pages that know the user's zone use <see cref="DisplayTime"/>.</summary>
    public static string When(DateTimeOffset at) => DisplayTime.When(at, TimeZoneInfo.Local);

    public static string When(DateTimeOffset? at) => at is { } value ? When(value) : "never";

    /// <summary>
    /// A compact time for tables, always with its ISO date (a bare time or "12-02" leaves the day to guess); server time.
    /// Pages that know the user's zone use <see cref="DisplayTime.Moment"/>. <paramref name="now"/> is kept for callers.
    /// </summary>
    public static string Moment(DateTimeOffset at, DateTimeOffset now) => DisplayTime.Moment(at, TimeZoneInfo.Local);

    public static string Megabytes(long mb) =>
        mb >= 1024 ? (mb / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " GiB" : mb.ToString(CultureInfo.InvariantCulture) + " MiB";

    public static string Gigabytes(double gb) => gb.ToString("0.##", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>A size in binary units with three significant digits at most: "512 B", "1.5 MiB", "23.4 GiB".</summary>
    public static string Bytes(long bytes) => Core.Common.ByteSize.Format(bytes);

    /// <summary>A transfer rate, or a dash when the tool did not report one.</summary>
    public static string Rate(double? bytesPerSecond) =>
        bytesPerSecond is { } rate and > 0 ? Bytes((long)rate) + "/s" : "—";

    /// <summary>A span the way people say it: "42 s", "3 min 05 s", "2 h 07 min", "3 d 4 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        return span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min {span.Seconds:00} s"
            : span.TotalHours < 24 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    public static string Duration(TimeSpan? span) => span is { } value ? Duration(value) : "—";

    /// <summary>How long ago, to the largest whole unit: "just now", "5 min ago", "3 h ago", "12 d ago".</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} d ago";
    }

    /// <summary>How long until, to the largest whole unit, as <see cref="Age"/> says how long ago: "in 5 min", "in 3 h", "in 2 d".</summary>
    public static string Until(DateTimeOffset at, DateTimeOffset now)
    {
        var wait = at - now;
        return wait.TotalMinutes < 1 ? "in under a minute"
            : wait.TotalHours < 1 ? $"in {(int)wait.TotalMinutes} min"
            : wait.TotalDays < 1 ? $"in {(int)wait.TotalHours} h"
            : $"in {(int)wait.TotalDays} d";
    }

    /// <summary>"SHA256:q2Lw0Vt4…": enough to recognise a host key on screen; the whole one goes in a tooltip and a copy button.</summary>
    public static string ShortFingerprint(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..15] + "…" : fingerprint;

    /// <summary>The first characters of a checksum, enough to tell archives apart on screen.</summary>
    /// <summary>The SHA-256 that stands for a restore point: its largest file's (the archive, the disk).</summary>
    public static string? MainSha(Core.Archives.Archive archive) =>
        archive.Files.OrderByDescending(f => f.SizeBytes).FirstOrDefault()?.Sha256;

    /// <summary>"zstd · snapshot": a pair's backup option values, in their kind's order.</summary>
    public static string Options(Core.Pairs.VmPair pair) => string.Join(" · ", pair.BackupOptions.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));

    public static string ShortHash(string? sha256) => sha256 is null ? "—" : sha256.Length > 12 ? sha256[..12] + "…" : sha256;

    /// <summary>The message of a refused command: its own message, or its field errors joined.</summary>
    public static string Refusal<T>(Result<T> result) =>
        result.Message ?? (result.Errors is { } errors ? string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)) : "The request was refused.");
}
