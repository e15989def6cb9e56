namespace DrPortal.Core.Accounts;

/// <summary>Turns a User-Agent header into a few words a person recognises ("Firefox 128 on Linux"); the header itself is not kept.</summary>
public static class BrowserSummary
{
    public const int MaxLength = 64;

    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("HeadlessChrome/", "Headless Chrome"),
        ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Version/", "Safari"), ("curl/", "curl"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"), ("Linux", "Linux"),
    ];

    public static string? Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return null;
        }
        var browser = Browsers.Where(b => userAgent.Contains(b.Token, StringComparison.Ordinal))
            .Select(b => $"{b.Name} {MajorVersion(userAgent, b.Token)}".TrimEnd())
            .FirstOrDefault();
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        var text = (browser, system) switch
        {
            (null, null) => Printable(userAgent),
            (null, _) => $"Unknown browser on {system}",
            (_, null) => browser,
            _ => $"{browser} on {system}",
        };
        return text.Length <= MaxLength ? text : text[..MaxLength];
    }

    private static string MajorVersion(string userAgent, string token)
    {
        var start = userAgent.IndexOf(token, StringComparison.Ordinal) + token.Length;
        var end = start;
        while (end < userAgent.Length && char.IsAsciiDigit(userAgent[end]))
        {
            end++;
        }
        return userAgent[start..end];
    }

    /// <summary>An unknown client: its first word, without control or formatting characters.</summary>
    private static string Printable(string userAgent)
    {
        var first = userAgent.Trim().Split(' ', 2)[0];
        return new string([.. first.Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)]);
    }
}
