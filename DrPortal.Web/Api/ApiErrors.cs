using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace DrPortal.Web.Api;

/// <summary>
/// The one mechanism that makes every error under /api a problem detail (application/problem+json): JSON options with
/// the strict enum converter, binding failures thrown (not answered with an empty 400) and turned into field errors by
/// <see cref="ApiExceptionHandler"/>, and status code pages for the answers that have no body of their own
/// (unknown route 404, 405, 401, 403, ...).
/// </summary>
internal static class ApiErrors
{
    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // A trace id lets an admin find the log entry; the body holds nothing else of the failure.
            ctx.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier);
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new StrictEnumConverter()));
        return services;
    }

    /// <summary>Runs first under /api, in every environment (the developer exception page would show stack traces).</summary>
    public static void UseApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(ctx => IsApi(ctx.Request), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages(ctx => ProblemAsync(ctx.HttpContext, ctx.HttpContext.Response.StatusCode));
            api.Use((ctx, next) =>
            {
                if (LeadsOutOfTheApi(ctx))
                {
                    ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                return next(ctx);
            });
        });

    /// <summary>
    /// A path under /api that routing matched to no API endpoint: to a page or static asset, or to the 405 that
    /// another endpoint's methods produce. Unless an API route has that path (then the 405 is the API's own), it is a 404.
    /// </summary>
    private static bool LeadsOutOfTheApi(HttpContext ctx)
    {
        var endpoint = ctx.GetEndpoint();
        if (endpoint is RouteEndpoint route)
        {
            return !IsApi(route.RoutePattern);
        }
        if (endpoint is null || ctx.Response.HasStarted || endpoint.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) != true)
        {
            return false;
        }
        var sources = ctx.RequestServices.GetRequiredService<EndpointDataSource>();
        return !sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => IsApi(e.RoutePattern))
            .Any(e => new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(new Microsoft.AspNetCore.Routing.Template.RouteTemplate(e.RoutePattern), new RouteValueDictionary())
                .TryMatch(ctx.Request.Path, new RouteValueDictionary()));
    }

    private static bool IsApi(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        pattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("api/", StringComparison.OrdinalIgnoreCase));

    /// <summary>A problem detail with the status's own words, written as JSON whatever the client accepts.</summary>
    public static Task ProblemAsync(HttpContext context, int status) =>
        TypedResults.Problem(Detail(context, status), statusCode: status, title: ReasonPhrases.GetReasonPhrase(status)).ExecuteAsync(context);

    private static string? Detail(HttpContext context, int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid.",
        StatusCodes.Status401Unauthorized => "Sign in, or send a valid API token in the header 'Authorization: Bearer <token>'.",
        StatusCodes.Status403Forbidden => "Your role does not allow this.",
        StatusCodes.Status404NotFound => $"There is no API resource at {context.Request.Path}. GET /openapi/v1.json lists them.",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}." +
            (context.Response.Headers.Allow is { Count: > 0 } allow ? $" Allowed: {allow}." : ""),
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The body must be JSON (Content-Type: application/json).",
        StatusCodes.Status500InternalServerError => "The portal failed to answer; the error is logged under this trace id.",
        _ => null,
    };
}
