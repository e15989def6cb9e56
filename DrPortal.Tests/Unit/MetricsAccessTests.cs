using System.Net;
using System.Security.Cryptography;
using System.Text;
using DrPortal.Infrastructure.Metrics;
using DrPortal.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace DrPortal.Tests.Unit;

public class MetricsAccessTests
{
    private static DefaultHttpContext From(string peer, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return context;
    }

    [Fact]
    public void Allows_Defaults_LoopbackOnly()
    {
        var access = new MetricsAccess(Options.Create(new MetricsOptions()));

        Assert.True(access.Allows(From("127.0.0.1")));
        Assert.True(access.Allows(From("::1")));
        Assert.False(access.Allows(From("10.250.0.11")));
        Assert.False(access.Allows(From("10.250.0.11", "Bearer anything-at-all-here")));
        Assert.False(access.TokenConfigured);
    }

    [Fact]
    public void Allows_TokenGivenAsItsSha256_AcceptsTheTokenFromAnyNetwork()
    {
        var token = "a-long-scraper-token-0123456789";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var access = new MetricsAccess(Options.Create(new MetricsOptions { TokenSha256 = hash, AllowedNetworks = "" }));

        Assert.True(access.Allows(From("192.0.2.7", $"Bearer {token}")));
        Assert.False(access.Allows(From("192.0.2.7", $"Bearer {token}x")));
        Assert.False(access.Allows(From("127.0.0.1")));
    }

    [Theory]
    [InlineData("10.0.0.0/33", null, null, "DrPortal:Metrics:AllowedNetworks")]
    [InlineData("not-a-network", null, null, "DrPortal:Metrics:AllowedNetworks")]
    [InlineData("127.0.0.1", "short", null, "DrPortal:Metrics:Token")]
    [InlineData("127.0.0.1", null, "abc", "DrPortal:Metrics:TokenSha256")]
    public void Parse_BadSetting_ThrowsNamingIt(string networks, string? token, string? hash, string setting)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MetricsAccess.Parse(new MetricsOptions { AllowedNetworks = networks, Token = token, TokenSha256 = hash }));

        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }
}
