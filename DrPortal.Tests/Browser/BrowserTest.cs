using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>A test class on a fresh portal of its own (<see cref="BrowserPortal"/>).</summary>
public abstract class BrowserTest(BrowserPortal portal) : BrowserTest<BrowserPortal>(portal);

/// <summary>One browser context per test; a screenshot of the page is kept when a test fails.</summary>
public abstract class BrowserTest<TPortal> : IClassFixture<TPortal>, IAsyncLifetime
    where TPortal : BrowserPortal
{
    protected BrowserTest(TPortal portal) => Portal = portal;

    protected TPortal Portal { get; }

    private readonly List<string> _browserLog = [];

    protected IBrowserContext Context { get; private set; } = default!;

    protected IPage Page { get; private set; } = default!;

    /// <summary>Where the browser opens the portal; WebAuthn refuses IP addresses, so its tests go by localhost.</summary>
    protected virtual string BaseUrl => Portal.BaseAddress.ToString();

    public async Task InitializeAsync()
    {
        Context = await Portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        Page = await Context.NewPageAsync();
        Page.SetDefaultTimeout(20_000);
        Page.Console += (_, message) => _browserLog.Add($"console {message.Type}: {message.Text}");
        Page.PageError += (_, error) => _browserLog.Add($"page error: {error}");
        Page.RequestFailed += (_, request) => _browserLog.Add($"request failed: {request.Method} {request.Url} {request.Failure}");
        Page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _browserLog.Add($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }

    public async Task DisposeAsync() => await Context.CloseAsync();

    /// <summary>
    /// Runs the steps of a test; on failure saves a screenshot and the browser's console and failed requests
    /// under .test-results/browser, and rethrows.
    /// </summary>
    protected async Task StepsAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            var root = Environment.GetEnvironmentVariable("DRPORTAL_ROOT") ?? Path.GetTempPath();
            var path = Path.Combine(root, ".test-results", "browser", $"{name}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            await File.WriteAllLinesAsync(Path.ChangeExtension(path, ".log"), [$"url: {Page.Url}", .. _browserLog]);
            throw;
        }
    }

    /// <summary>Waits until the Blazor circuit is live: before that, prerendered buttons do nothing.</summary>
    protected Task WaitForInteractiveAsync() =>
        Page.Locator("[data-test=portal-ready][data-interactive=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Clicks something that loads a new document (a form post, a plain link) and waits until that document has replaced
    /// this one: the page is marked first, so a check made after this call never reads the page the click left.
    /// </summary>
    protected async Task ClickForNewDocumentAsync(ILocator target)
    {
        ArgumentNullException.ThrowIfNull(target);
        await Page.EvaluateAsync("() => { document.documentElement.dataset.leaving = 'true'; }");
        await target.ClickAsync();
        await Page.Locator("html:not([data-leaving])").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    protected async Task LogInAsync(string userName, string password)
    {
        await Page.GotoAsync("/login");
        await Page.Locator("#username").FillAsync(userName);
        await Page.Locator("#password").FillAsync(password);
        await Page.Locator("[data-test=login-submit]").ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await WaitForInteractiveAsync();
    }

    /// <summary>A MudBlazor field: the input control around the element marked data-test.</summary>
    protected ILocator Field(string dataTest) =>
        Page.Locator(".mud-input-control").Filter(new() { Has = Page.Locator($"[data-test={dataTest}]") });

    /// <summary>Types into a MudBlazor text field and leaves it, so the value is committed like a user's.</summary>
    protected async Task TypeAsync(string dataTest, string text)
    {
        var input = Page.Locator($"[data-test={dataTest}]");
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    protected async Task ChooseAsync(string dataTest, string itemText)
    {
        await Field(dataTest).ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = itemText }).ClickAsync();
    }
}
