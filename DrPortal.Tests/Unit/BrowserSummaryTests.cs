using DrPortal.Core.Accounts;

namespace DrPortal.Tests.Unit;

public class BrowserSummaryTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 on Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70", "Edge 131 on Windows")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131 on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iOS")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18 on macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome 131 on Android")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36", "Headless Chrome 131 on Linux")]
    [InlineData("curl/8.5.0", "curl 8")]
    public void Describe_KnownBrowsers_NamesBrowserVersionAndSystem(string userAgent, string expected)
    {
        Assert.Equal(expected, BrowserSummary.Describe(userAgent));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Describe_NoUserAgent_IsNull(string? userAgent)
    {
        Assert.Null(BrowserSummary.Describe(userAgent));
    }

    [Fact]
    public void Describe_UnknownHostileClient_KeepsItsFirstWord_WithoutFormattingCharacters_AndBounded()
    {
        var hostile = "evil\u202Etool\u200B" + new string('x', 500) + " more words";

        var described = BrowserSummary.Describe(hostile)!;

        Assert.DoesNotContain('\u202E', described);
        Assert.DoesNotContain('\u200B', described);
        Assert.StartsWith("eviltool", described, StringComparison.Ordinal);
        Assert.Equal(BrowserSummary.MaxLength, described.Length);
    }
}
