using Microsoft.AspNetCore.Http.Features;

namespace DrPortal.Web.Security;

/// <summary>
/// Body limits per endpoint: sign-in and setup take a few hundred bytes, so their limit is small; the rest of the API
/// gets a moderate one. A declared length over the limit is answered 413 before any byte is read; a chunked body is
/// cut off by Kestrel once it passes the limit. Anonymous floods of big bodies therefore cost no memory.
/// </summary>
internal static class RequestSizeLimits
{
    public const long SignInBytes = 16 * 1024;
    public const long ApiBytes = 1024 * 1024;

    public static void UsePortalRequestSizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = LimitFor(context.Request);
        if (limit is { } max)
        {
            if (context.Request.ContentLength > max)
            {
                await TooLargeAsync(context, max);
                return;
            }
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = max;
            }
        }
        await next(context);
    });

    /// <summary>The limit for a request, or null for the server's default (pages, Blazor's circuit, static files).</summary>
    internal static long? LimitFor(HttpRequest request)
    {
        var path = request.Path;
        if (path.StartsWithSegments("/api/v1/auth") || path.StartsWithSegments("/api/v1/setup")
            || (HttpMethods.IsPost(request.Method) && (path.StartsWithSegments("/login") || path.StartsWithSegments("/setup"))))
        {
            return SignInBytes;
        }
        return path.StartsWithSegments("/api") ? ApiBytes : null;
    }

    private static async Task TooLargeAsync(HttpContext context, long max)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // The unread body is not wanted: the connection closes after this answer instead of draining it.
        context.Response.Headers.Connection = "close";
        var detail = $"The request body is larger than this endpoint accepts ({max / 1024} KiB).";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            await Results.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large").ExecuteAsync(context);
        }
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(detail);
        }
    }
}
