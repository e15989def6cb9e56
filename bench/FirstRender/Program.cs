using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// P6's first render and memory run, in headless Chromium (Debian's /usr/bin/chromium, as the browser tests use).
// Usage: FirstRender BASE_URL USER PASSWORD_FILE [--runs N] [--memory-seconds S --pid PID] [--shots DIR]
// (--shots: a screenshot of each page at 1440x900 and 390x844 and its DOM, into DIR, instead of the timing)
// Time to interactive of a page = from navigation until the Blazor circuit is live (the layout's portal-ready marker says
// data-interactive=true) AND the page shows its data (one concrete element per page, below); median of N fresh loads.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: FirstRender BASE_URL USER PASSWORD_FILE [--runs N] [--memory-seconds S --pid PID]");
    return 2;
}
var baseUrl = args[0].TrimEnd('/') + "/";
var user = args[1];
var password = (await File.ReadAllTextAsync(args[2])).Trim();
var runs = Option("--runs", 3);
var memorySeconds = Option("--memory-seconds", 0);
var pid = Option("--pid", 0);
var shots = Array.IndexOf(args, "--shots") is var s && s >= 0 && s + 1 < args.Length ? args[s + 1] : null;
const double GoalMs = 1000;

// The element that shows each page's data: a row of its table, or on the dashboard a pair row and the figures.
(string Path, string Name, string Data)[] pages =
[
    ("tasks", "Tasks", "[data-test=task-row-link]"),
    ("pairs", "Pairs", "[data-test=pair-row-source]"),
    ("archives", "Archives", "[data-test=archive-row-file]"),
    ("schedules", "Schedules", "[data-test=schedule-row-pair]"),
    ("", "Dashboard", "[data-test=dashboard-pair-row]"),
];

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run", "--disable-extensions"],
});
var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 900 } });
var page = await context.NewPageAsync();
page.SetDefaultTimeout(60_000);
await page.GotoAsync("login");
await page.Locator("#username").FillAsync(user);
await page.Locator("#password").FillAsync(password);
await page.Locator("[data-test=login-submit]").ClickAsync();
await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));

if (shots is not null)
{
    Directory.CreateDirectory(shots);
    foreach (var (width, height) in new[] { (1440, 900), (390, 844) })
    {
        await page.SetViewportSizeAsync(width, height);
        foreach (var (path, name, data) in pages)
        {
            await TimeToInteractiveAsync(page, path, data);
            await page.WaitForTimeoutAsync(500); // MudBlazor's transitions
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{name.ToLowerInvariant()}-{width}x{height}.png") });
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{name.ToLowerInvariant()}-{width}x{height}-full.png"), FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(shots, $"{name.ToLowerInvariant()}.html"), await page.ContentAsync());
        }
    }
    return 0;
}

// --runs 0: the memory run alone (bench p6live, where no schedule exists to show).
foreach (var (path, name, data) in runs > 0 ? pages : [])
{
    await TimeToInteractiveAsync(page, path, data); // warm-up: JIT, EF query cache, browser cache of the scripts
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        times.Add(await TimeToInteractiveAsync(page, path, data));
    }
    times.Sort();
    var median = times[times.Count / 2];
    var html = await page.EvaluateAsync<int>("() => document.documentElement.outerHTML.length");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  first render {name,-10} {median,6:0} ms  (median of {runs}: {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))}; DOM {html / 1024} KB; data: {data})   goal < {GoalMs:0} ms  {(median < GoalMs ? "met" : "NOT MET")}"));
}

if (memorySeconds > 0 && pid > 0)
{
    await MemoryRunAsync();
}
return 0;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static async Task<double> TimeToInteractiveAsync(IPage page, string path, string data)
{
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    // Polled on animation frames: both must hold at once (prerendered rows alone are not interactive; the marker alone
    // may flip before the interactive render has loaded the data again).
    await page.WaitForFunctionAsync(
        "sel => document.querySelector('[data-test=portal-ready][data-interactive=true]') !== null && document.querySelector(sel) !== null",
        data, new PageWaitForFunctionOptions { PollingInterval = null });
    return clock.Elapsed.TotalMilliseconds;
}

// Three tabs (Tasks, Dashboard, Pairs) stay open with their circuits and feed subscriptions while the RSS is sampled;
// every 10 s each tab reloads (a new circuit replaces the old one), so leaked circuits or subscriptions show as growth.
async Task MemoryRunAsync()
{
    var tabs = new List<IPage>();
    foreach (var (path, _, data) in new[] { pages[0], pages[4], pages[1] })
    {
        var tab = await context.NewPageAsync();
        tab.SetDefaultTimeout(60_000);
        await TimeToInteractiveAsync(tab, path, data);
        tabs.Add(tab);
    }
    var samples = new List<double>();
    var end = DateTime.UtcNow.AddSeconds(memorySeconds);
    var round = 0;
    while (DateTime.UtcNow < end)
    {
        samples.Add(RssMib(pid));
        await Task.Delay(TimeSpan.FromSeconds(5));
        if (++round % 2 == 0)
        {
            foreach (var tab in tabs)
            {
                await tab.ReloadAsync();
            }
        }
    }
    samples.Add(RssMib(pid));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  memory run {memorySeconds} s, 3 tabs (Tasks, Dashboard, Pairs) reloaded every 10 s: RSS first {samples[0]:0} MiB, last {samples[^1]:0} MiB, max {samples.Max():0} MiB ({samples.Count} samples)"));
}

static double RssMib(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
    }
    return double.NaN;
}
