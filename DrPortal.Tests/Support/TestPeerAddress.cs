using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace DrPortal.Tests.Support;

/// <summary>
/// Lets a test say which address a request comes from: the in-process test server has no sockets and every Kestrel
/// test client is 127.0.0.1, so a request names its peer in <see cref="Header"/> and this filter makes it the
/// connection's remote address before the portal's pipeline runs, as Kestrel sets it from the socket.
/// Registered only by test fixtures; the portal itself never reads the header.
/// </summary>
public sealed class TestPeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}
