using System.Net;
using DrPortal.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Support;

/// <summary>The portal serving HTTPS itself with its generated certificate, on a real Kestrel port on loopback.</summary>
public sealed class HttpsPortal : PortalFactory
{
    public const string HostName = "portal.example";

    public HttpsPortal() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps()));

    public Uri BaseAddress { get; private set; } = default!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", "https://127.0.0.1:0");
        builder.UseSetting(PortalTls.HostNameSetting, HostName);
        builder.UseSetting("AllowedHosts", $"localhost;127.0.0.1;[::1];{HostName}");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address + "/");
    }
}
