using System.Globalization;

namespace DrPortal.Web.Api;

/// <summary>429 with Retry-After (whole seconds, at least 1) and a problem detail saying the same: the one answer of the
/// API's rate limiter and of the sign-in throttle alike.</summary>
internal sealed class TooManyRequestsResult(TimeSpan retryAfter, string? detail = null) : IResult
{
    public int Seconds { get; } = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = Seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail ?? $"Too many requests from this client; try again in {Seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests").ExecuteAsync(httpContext);
    }
}
