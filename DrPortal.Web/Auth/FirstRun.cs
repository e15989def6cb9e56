using DrPortal.Core.Accounts;

namespace DrPortal.Web.Auth;

/// <summary>
/// Until the first administrator exists every page leads to /setup. Once a user exists that stays true,
/// so the answer is cached (per application instance: the middleware is created once per pipeline)
/// and the database is not asked again.
/// </summary>
internal sealed class FirstRun(RequestDelegate next)
{
    private volatile bool _complete;

    public async Task InvokeAsync(HttpContext context, IUserAccounts accounts)
    {
        if (!_complete && IsPage(context.Request))
        {
            _complete = await accounts.AnyUserAsync(context.RequestAborted);
            if (!_complete && !context.Request.Path.StartsWithSegments("/setup"))
            {
                context.Response.Redirect("/setup");
                return;
            }
        }
        await next(context);
    }

    /// <summary>Browser page requests; the API, the health probes, Blazor's framework files and static assets pass through.</summary>
    private static bool IsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api")
        && !Operations.HealthEndpoints.IsProbe(request.Path)
        && !request.Path.StartsWithSegments("/_framework")
        && !request.Path.StartsWithSegments("/_content")
        && !request.Path.StartsWithSegments("/_blazor")
        && !Path.HasExtension(request.Path.Value);
}
