using System.Net;
using DrPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace DrPortal.Tests.Integration;

/// <summary>The API's rate limit per token answers 429 with Retry-After as a problem detail, never 401 (finding 2).</summary>
public class ApiThrottleTests(ApiThrottleTests.Portal portal) : IClassFixture<ApiThrottleTests.Portal>
{
    public const int PerMinute = 5;

    public sealed class Portal : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("DrPortal:RateLimits:ApiPerMinute", PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task ApiCalls_PastTheTokensLimit_Get429WithRetryAfter_AnotherTokenStillWorks()
    {
        using var first = await portal.CreateAdminClientAsync();
        for (var i = 0; i < PerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/hypervisors")).StatusCode);
        }

        var refused = await first.GetAsync("/api/v1/hypervisors");
        var refusedPost = await first.PostAsync("/api/v1/hypervisors/999999/test", null);
        using var second = await portal.CreateClientForAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
        var other = await second.GetAsync("/api/v1/hypervisors");

        foreach (var response in new[] { refused, refusedPost })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, response.Headers.RetryAfter?.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
