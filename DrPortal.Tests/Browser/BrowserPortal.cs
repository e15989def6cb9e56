using System.Net;
using DrPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DrPortal.Tests.Browser;

/// <summary>
/// The portal on a real Kestrel port on loopback, with its own fresh database, and Debian's Chromium driven by Playwright.
/// Playwright's own browser download is not available here, so the system browser is used; if it cannot start,
/// every test of the fixture fails with the launch error (nothing is skipped).
/// </summary>
public class BrowserPortal : PortalFactory
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private bool _disposed;

    public BrowserPortal() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The portal's address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = default!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Outside Development the framework does not map the build's static web assets (MudBlazor's CSS and JS
        // live in the NuGet cache, not in wwwroot); a published portal has them copied, a test build does not.
        builder.UseStaticWebAssets();
    }

    public override async Task InitializeAsync()
    {
        // The browser first: if it cannot start, no database or server is left behind by a fixture that failed.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (./dr test does).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Timeout = 60_000,
            // Root in a container: no sandbox; no GPU, no /dev/shm reliance, no calls home.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run", "--disable-extensions"],
        });

        await base.InitializeAsync();
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        BaseAddress = new Uri(addresses.Single() + "/");
        await OnStartedAsync();
    }

    /// <summary>Runs once the portal listens; fixtures that need more (hosts, users) add it here.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (Browser is not null)
            {
                await Browser.CloseAsync();
            }
            _playwright?.Dispose();
        }
        await base.DisposeAsync();
    }
}
