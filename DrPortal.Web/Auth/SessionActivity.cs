using DrPortal.Core.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace DrPortal.Web.Auth;

/// <summary>
/// Work on an open page (clicks, typing, in-app navigation) travels over the circuit, not as requests the cookie
/// handler sees; this counts it as activity of the page's session, so an idle timeout ends only sessions really left idle.
/// </summary>
internal sealed class SessionActivity(AuthenticationStateProvider authentication, IUserSessions sessions, ILogger<SessionActivity> logger) : CircuitHandler
{
    private DateTimeOffset _lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) => async context =>
    {
        await next(context);
        var now = DateTimeOffset.UtcNow;
        if (now - _lastTouch < SessionLifetime.LastSeenPrecision)
        {
            return;
        }
        _lastTouch = now;
        try
        {
            if ((await authentication.GetAuthenticationStateAsync()).User.SessionId() is { } sessionId)
            {
                await sessions.TouchAsync(sessionId, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Activity is informative; a failed write must not break the page (the next one a minute later retries).
            logger.LogWarning(ex, "Could not record the activity of an open page's session");
        }
    };
}
