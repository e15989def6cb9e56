namespace DrPortal.Web.Auth;

/// <summary>
/// Keeps a user who must enrol two-factor sign-in (<see cref="TwoFactorEnrolment"/>) on the enrolment page: other pages
/// redirect there, API calls (cookie or token) get a 403 problem saying why. Runs after authentication. Open to them:
/// the sign-in pages (the enrolment page among them), sign-out, static files and Blazor's own endpoints, without which
/// the enrolment page could not run; a page reached inside that circuit is turned back by the main layout.
/// </summary>
internal sealed class TwoFactorEnrolmentGate(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, TwoFactorEnrolment enrolment)
    {
        if (IsOpen(context.Request) || !await enrolment.IsRequiredAsync(context.User, context.RequestAborted))
        {
            await next(context);
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(TwoFactorEnrolment.Address(context.Request.PathBase + context.Request.Path + context.Request.QueryString));
            return;
        }
        await TwoFactorEnrolment.Problem().ExecuteAsync(context);
    }

    private static bool IsOpen(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hangfire"))
        {
            return false;
        }
        return path.StartsWithSegments("/login") || path.StartsWithSegments("/logout")
            || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
            || path.StartsWithSegments("/not-found") || path.StartsWithSegments("/error")
            || Path.HasExtension(path.Value);
    }
}
