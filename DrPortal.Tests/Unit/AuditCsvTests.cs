using DrPortal.Core.Audit;

namespace DrPortal.Tests.Unit;

public class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rlf", "\"cr\rlf\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public void Field_QuotesAndDefusesAsSpreadsheetsNeed(string value, string expected)
    {
        Assert.Equal(expected, AuditCsv.Field(value));
    }

    [Fact]
    public void Line_WritesEveryColumn_InHeaderOrder_EndingWithCrLf()
    {
        var entry = new AuditEntry
        {
            Id = 7,
            At = new DateTimeOffset(2026, 12, 2, 10, 30, 5, TimeSpan.FromHours(1)),
            Actor = "alice",
            Action = "update",
            EntityType = "VmPair",
            EntityId = "3",
            Summary = "Changed pair pve-dc1/100 → pve-dr1/9100",
            Before = "{\"a\":1}",
            After = null,
        };

        var line = AuditCsv.Line(entry);

        Assert.Equal("7,2026-12-02 09:30:05,alice,update,VmPair,3,Changed pair pve-dc1/100 → pve-dr1/9100,\"{\"\"a\"\":1}\",\r\n", line);
        Assert.Equal(AuditCsv.Header.Length, AuditCsv.HeaderLine().Split(',').Length);
    }
}
