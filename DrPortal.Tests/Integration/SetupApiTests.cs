using System.Net;
using System.Net.Http.Json;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Integration;

public class SetupApiTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _portal;

    public SetupApiTests(PortalFactory portal) => _portal = portal;

    [Fact]
    public async Task Setup_FirstTimeCreatesAdmin_SecondTimeConflicts()
    {
        using var client = _portal.CreateClient(new() { AllowAutoRedirect = false });

        var page = await client.GetAsync("/hosts");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/setup", page.Headers.Location?.OriginalString);

        var first = await client.PostAsJsonAsync("/api/v1/setup", new SetupRequest("admin", PortalFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var second = await client.PostAsJsonAsync("/api/v1/setup", new SetupRequest("intruder", PortalFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);

        var after = await client.GetAsync("/hosts");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location?.AbsolutePath ?? after.Headers.Location?.OriginalString);
    }
}
