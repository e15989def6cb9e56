using DrPortal.Core.Pairs;
using DrPortal.Core.Reports;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit;

public class ReadinessCsvTests
{
    private static ReadinessRow Row(string pair, string? error) => new(
        1, pair, RpoStatus.Breached, TimeSpan.FromMinutes(90), null, null, null, null, [], null, null, null, null, [],
        error is null ? [] : [new ReadinessFailure(5, DrTaskKind.Backup, new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero), error)]);

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    public void Write_CellStartingAsAFormula_IsPrefixedSoItStaysText(string pair, string expected)
    {
        var csv = ReadinessCsv.Write(new ReadinessReport(DateTimeOffset.UnixEpoch, 30, [Row(pair, null)]));

        Assert.StartsWith("1," + expected + ",Breached,90,", csv.Split("\r\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Write_FailureWithCommaQuoteAndLineBreak_IsQuotedWithQuotesDoubled()
    {
        var csv = ReadinessCsv.Write(new ReadinessReport(DateTimeOffset.UnixEpoch, 30, [Row("a/1 → b/2", "said \"no\", then\nstopped")]));

        Assert.EndsWith(",\"#5 Backup 2026-12-01 03:00 UTC: said \"\"no\"\", then\nstopped\"\r\n", csv, StringComparison.Ordinal);
        Assert.Equal(ReadinessCsv.Header.Length - 1, csv.Split("\r\n")[0].Count(c => c == ','));
    }

    [Fact]
    public void Digest_RendersHtmlEncoded_AndPutsPairsNeedingAttentionFirst()
    {
        var report = new ReadinessReport(DateTimeOffset.UnixEpoch, 30, [Row("z/9 → y/9 <b>", "x")]);

        var html = ReadinessDigest.RenderHtml(report);
        var text = ReadinessDigest.RenderText(report);

        Assert.Contains("z/9 → y/9 &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("1 need attention", text, StringComparison.Ordinal);
        Assert.Contains("Breached: target 1.5 h, achieved no good point", text, StringComparison.Ordinal);
    }
}
