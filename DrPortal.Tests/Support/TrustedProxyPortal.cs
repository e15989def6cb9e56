using DrPortal.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Support;

/// <summary>
/// The portal with its shipped AllowedHosts and one trusted proxy network, 10.9.0.0/16. The test server has no
/// sockets, so a test names the peer address (<see cref="TestPeerAddress"/>) and a startup filter makes it the connection's remote
/// address before the portal's pipeline runs (as Kestrel would set it from the socket).
/// </summary>
public sealed class TrustedProxyPortal : PortalFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(TrustedForwardedHeaders.Setting, "10.9.0.0/16");
        builder.ConfigureTestServices(services => services.AddTransient<IStartupFilter, TestPeerAddress>());
    }
}
