using DrPortal.Infrastructure.Accounts.Directory;

namespace DrPortal.Tests.Unit;

public class LdapFilterTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", @"\2a")]
    [InlineData("*)(uid=*", @"\2a\29\28uid=\2a")]
    [InlineData(@"a\b", @"a\5cb")]
    [InlineData("a\0b", @"a\00b")]
    [InlineData("Lučić", "Lučić")]
    public void Escape_Rfc4515Metacharacters_AreHexEscaped(string value, string expected) =>
        Assert.Equal(expected, LdapFilter.Escape(value));

    [Fact]
    public void Format_HostileName_StaysOneAssertionValue()
    {
        var filter = LdapFilter.Format("(&(objectClass=person)(uid={0}))", "*)(|(uid=*");

        Assert.Equal(@"(&(objectClass=person)(uid=\2a\29\28|\28uid=\2a))", filter);
        Assert.Equal(filter.Count(c => c == '('), filter.Count(c => c == ')'));
    }

    [Fact]
    public void Format_TemplateBraces_AreNotFormatSyntax() =>
        Assert.Equal("(cn={x}bob)", LdapFilter.Format("(cn={x}{0})", "bob"));
}
