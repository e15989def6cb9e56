using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server;

namespace DrPortal.Web.Security;

/// <summary>
/// The browser-facing security headers of every response (pages, API answers, static assets, error pages), set in
/// one place. The Content-Security-Policy carries a fresh nonce per request; App.razor puts it on the one inline
/// script the portal emits (the import map). Settings: "DrPortal:HstsMaxAgeDays" (default 365, 0 sends no HSTS).
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next, IConfiguration configuration)
{
    private const string NonceKey = "DrPortal.CspNonce";

    private readonly int _hstsMaxAgeSeconds = checked((configuration.GetValue<int?>("DrPortal:HstsMaxAgeDays") ?? 365) * 86_400);

    public Task InvokeAsync(HttpContext context)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        // On starting, not now: the exception handler clears the headers of a failed response before it writes the error page.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Request.Path, nonce);
            // Browsers ignore HSTS over plain HTTP and for IP addresses; on localhost it would bind every other local
            // development site to HTTPS too (ASP.NET Core's UseHsts leaves those names out for the same reason).
            if (context.Request.IsHttps && _hstsMaxAgeSeconds > 0 && !IsLoopbackName(context.Request.Host.Host))
            {
                headers.StrictTransportSecurity = $"max-age={_hstsMaxAgeSeconds}";
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>The nonce of this request's Content-Security-Policy, for an inline script the page must emit.</summary>
    public static string? Nonce(HttpContext context) => context.Items[NonceKey] as string;

    /// <summary>
    /// Blazor's own frame-ancestors header is switched off: <see cref="ContentSecurityPolicy"/> holds the whole
    /// policy, and a second CSP header would be enforced beside it.
    /// </summary>
    public static void WithoutFrameworkPolicy(ServerComponentsEndpointOptions options) => options.ContentSecurityFrameAncestorsPolicy = null;

    /// <summary>Powerful browser features the portal never uses, denied to it and to anything it could embed.</summary>
    internal const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(self), geolocation=(), gyroscope=(), " +
        "hid=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(self), " +
        "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";

    /// <summary>
    /// Scripts only from the portal itself or carrying this request's nonce; 'self' in connect-src covers the
    /// circuit's ws:/wss: on the same origin (Chromium checked). style-src needs 'unsafe-inline': MudBlazor writes style
    /// attributes and its theme provider a &lt;style&gt; element, at prerender and again through the circuit, where no
    /// nonce can reach them. The Scalar reference at /api/docs starts from an inline script of its own without a nonce,
    /// so that path alone allows inline scripts (it holds no data; eval stays blocked, which only turns off Zod's
    /// optional JIT there). The Hangfire dashboard needs nothing more: it loads its scripts from its own files.
    /// </summary>
    internal static string ContentSecurityPolicy(PathString path, string nonce)
    {
        var scripts = path.StartsWithSegments("/api/docs")
            ? "'self' 'unsafe-inline'"
            : $"'self' 'nonce-{nonce}'";
        return $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
            "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host is "127.0.0.1" or "[::1]";
}

internal static class SecurityHeadersSetup
{
    /// <summary>First in the pipeline (after the forwarded headers), so every answer carries the headers.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.UseMiddleware<SecurityHeaders>();
}
