using DrPortal.Core.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Support;

/// <summary>The portal with a <see cref="SettableClock"/>, so session idle timeouts and lifetimes can pass in a test.</summary>
public sealed class SessionPortal : PortalFactory
{
    public SettableClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IClock>(Clock));
    }
}
