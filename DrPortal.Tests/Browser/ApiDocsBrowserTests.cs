using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DrPortal.Tests.Browser;

/// <summary>The API reference must work where the internet is gone: nothing it loads may come from another server.</summary>
public class ApiDocsBrowserTests(BrowserPortal portal) : BrowserTest(portal)
{
    [Fact]
    public Task ApiDocs_Loaded_RequestsOnlyThePortalAndRendersTheBearerText() => StepsAsync(nameof(ApiDocs_Loaded_RequestsOnlyThePortalAndRendersTheBearerText), async () =>
    {
        var requested = new List<string>();
        Page.Request += (_, request) => requested.Add(request.Url);

        await Page.GotoAsync("/api/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(Page.GetByText("Disaster-recovery switch for virtual machines")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // Anything started late (fonts, telemetry, agents) has had its chance to ask.
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var portalOrigin = Portal.BaseAddress.GetLeftPart(UriPartial.Authority);
        var foreign = requested
            .Where(url => !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
            .Where(url => new Uri(url).GetLeftPart(UriPartial.Authority) != portalOrigin)
            .ToList();
        Assert.True(foreign.Count == 0, "The API reference asked other servers: " + string.Join(", ", foreign));
        Assert.Contains(requested, url => url.Contains("/openapi/v1.json", StringComparison.Ordinal));

        await Expect(Page.GetByText("Authorization: Bearer <token>")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Ask AI" })).ToHaveCountAsync(0);
        await Expect(Page.GetByText("Deploy", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(Page.GetByText("Ask AI")).ToHaveCountAsync(0);
    });
}
