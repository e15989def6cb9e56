using System.Globalization;
using System.Text.Json;
using DrPortal.Tests.Support;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>
/// Every page at a laptop's 1280×800 and a phone's 390×844, with data on it: a screenshot of each is kept, and the test fails
/// when an action button lies outside the viewport (or outside the box that clips it) or a table scrolls sideways.
/// </summary>
public class LayoutBrowserTests(LayoutBrowserPortal portal) : BrowserTest<LayoutBrowserPortal>(portal)
{
    public static TheoryData<string, int, int> Pages()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var page in new[] { "/", "/hosts", "/pairs", "/schedules", "/tasks", "/tasks/{task}", "/archives", "/audit", "/users", "/account", "/tokens", "/settings/security" })
        {
            data.Add(page, 1280, 800);
            data.Add(page, 390, 844);
        }
        // The admin's security pages also at a desktop's 1440×900, where their two-column forms spread widest.
        data.Add("/tokens", 1440, 900);
        data.Add("/settings/security", 1440, 900);
        return data;
    }

    /// <summary>
    /// Runs in the page: every visible button or button-like link in the app bar and the main content, checked against the
    /// viewport and each ancestor that clips or scrolls; every table container checked for a horizontal scroll.
    /// </summary>
    private const string LayoutProblems = """
        () => {
            const width = document.documentElement.clientWidth;
            const problems = [];
            const name = el => (el.getAttribute('aria-label') || el.dataset.test || el.textContent || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 60);
            if (document.documentElement.scrollWidth > width + 1) {
                problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${width} px viewport`);
            }
            for (const box of document.querySelectorAll('.mud-table-container, .mud-table-root, table')) {
                if (box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1) {
                    const owner = box.closest('[data-test]');
                    problems.push(`table ${owner ? owner.dataset.test : box.className} scrolls sideways: ${box.scrollWidth} px in ${box.clientWidth} px`);
                }
            }
            const buttons = document.querySelectorAll('header button, header a.mud-button-root, main button, main a.mud-button-root, main a.mud-icon-button');
            for (const button of buttons) {
                const r = button.getBoundingClientRect();
                if (r.width === 0 || r.height === 0 || button.closest('[hidden]') || getComputedStyle(button).visibility === 'hidden') continue;
                if (r.left < -0.5 || r.right > width + 0.5) {
                    problems.push(`button "${name(button)}" lies at x ${Math.round(r.left)}–${Math.round(r.right)}, outside the ${width} px viewport`);
                    continue;
                }
                for (let p = button.parentElement; p && p !== document.body; p = p.parentElement) {
                    const overflow = getComputedStyle(p).overflowX;
                    if (overflow === 'visible') continue;
                    const c = p.getBoundingClientRect();
                    if (r.left < c.left - 0.5 || r.right > c.right + 0.5) {
                        problems.push(`button "${name(button)}" is cut off by its container (${p.className || p.tagName})`);
                        break;
                    }
                }
            }
            return problems;
        }
        """;

    [Theory]
    [MemberData(nameof(Pages))]
    public Task Page_WithData_FitsTheViewportWithEveryActionVisible(string path, int width, int height)
    {
        var url = path.Replace("{task}", Portal.TaskId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var shot = $"layout{(path == "/" ? "-dashboard" : path.Replace("/{task}", "-detail", StringComparison.Ordinal).Replace('/', '-'))}-{width}";
        return StepsAsync(shot, async () =>
        {
            // Twenty portal pages on a shared two-core machine: give a slow first render time rather than a false failure.
            Page.SetDefaultTimeout(60_000);
            await Page.SetViewportSizeAsync(width, height);
            await LogInAsync(PortalFactory.AdminName, PortalFactory.AdminPassword);
            await Page.GotoAsync(url);
            await WaitForInteractiveAsync();
            // Tables load after the circuit starts; a loading bar or an empty body would hide the very rows under test.
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Page.WaitForTimeoutAsync(750);

            var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
            var file = Path.Combine(root, ".test-results", "browser", "layout", $"{shot}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });

            var problems = await Page.EvaluateAsync<JsonElement>(LayoutProblems);
            var list = problems.EnumerateArray().Select(p => p.GetString()).ToList();
            Assert.True(list.Count == 0, $"{url} at {width}×{height}:\n" + string.Join("\n", list));
        });
    }
}
