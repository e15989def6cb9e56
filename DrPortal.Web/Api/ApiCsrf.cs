using Microsoft.AspNetCore.Antiforgery;

namespace DrPortal.Web.Api;

/// <summary>
/// Cross-site request forgery defence of the REST API. A bearer token is never sent by a browser on its own, so a call
/// that carries one is not forgeable; the login cookie is, and SameSite=Strict does not separate the ports of one host
/// or sibling subdomains. So an unsafe call (POST, PUT, PATCH, DELETE) that is authenticated by the cookie must carry
/// the antiforgery token in the <see cref="HeaderName"/> header — which a form or an image on another origin cannot
/// set — and, when it has a body, a JSON content type, which a form cannot send either. The token comes from
/// <c>GET /api/v1/auth/antiforgery</c>. Anything else is refused with 403 before the endpoint runs.
/// </summary>
internal static class ApiCsrf
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public static IServiceCollection AddApiCsrf(this IServiceCollection services) =>
        services.AddAntiforgery(o => o.HeaderName = HeaderName);

    /// <summary>Checks every cookie-authenticated unsafe call under /api; runs after authentication.</summary>
    public static void UseApiCsrf(this WebApplication app) =>
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api"), api => api.Use(async (ctx, next) =>
        {
            var refusal = await RefusalAsync(ctx);
            if (refusal is null)
            {
                await next(ctx);
                return;
            }
            await TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(ctx);
        }));

    public static void MapApiCsrf(this RouteGroupBuilder api) =>
        api.MapGet("/auth/antiforgery", (HttpContext ctx, IAntiforgery antiforgery) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(ctx);
                return TypedResults.Ok(new AntiforgeryToken(HeaderName, tokens.RequestToken!));
            })
            .WithTags("Auth")
            .WithSummary($"For browser (cookie) sessions: the token that unsafe API calls must send in the {HeaderName} header. Not needed with a bearer token.");

    /// <summary>Why the call is refused, or null when it may go on.</summary>
    private static async Task<string?> RefusalAsync(HttpContext ctx)
    {
        if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method) || HttpMethods.IsOptions(ctx.Request.Method)
            || ctx.User.Identity is not { IsAuthenticated: true, AuthenticationType: var scheme } || scheme == Auth.ApiTokenAuthenticationHandler.SchemeName)
        {
            return null;
        }
        var hasBody = ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !ctx.Request.HasJsonContentType())
        {
            return "A browser session may call the API only with a JSON body (Content-Type: application/json).";
        }
        if (!ctx.Request.Headers.ContainsKey(HeaderName))
        {
            return $"A browser session must send the antiforgery token in the {HeaderName} header (GET /api/v1/auth/antiforgery), or call the API with a bearer token.";
        }
        var antiforgery = ctx.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(ctx) ? null : $"The {HeaderName} header does not hold this session's antiforgery token.";
    }
}

/// <summary>The antiforgery token of a browser session and the header to send it in.</summary>
public sealed record AntiforgeryToken(string HeaderName, string Token);
