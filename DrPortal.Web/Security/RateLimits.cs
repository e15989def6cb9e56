using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DrPortal.Web.Security;

/// <summary>Requests per minute, under "DrPortal:RateLimits" (environment: DrPortal__RateLimits__SignInPerMinute, ...).</summary>
internal sealed class RateLimitSettings
{
    public const string Section = "DrPortal:RateLimits";

    /// <summary>Login form posts and API token creation, per client address.</summary>
    public int SignInPerMinute { get; set; } = 10;

    /// <summary>First-run setup posts (page and API), per client address.</summary>
    public int SetupPerMinute { get; set; } = 10;

    /// <summary>Every other API call, per API token (or signed-in user; anonymous calls per address).</summary>
    public int ApiPerMinute { get; set; } = 600;

    /// <summary>/readyz and /metrics (each asks the database), per client address; /healthz asks nothing and is not limited.</summary>
    public int ProbesPerMinute { get; set; } = 600;
}

/// <summary>
/// ASP.NET Core's rate limiter in front of sign-in, setup and the API, answering 429 with Retry-After (problem
/// details for the API, a plain page for the forms). It runs after authentication so API calls count per token.
/// </summary>
internal static class RateLimits
{
    /// <summary>The test suite calls the API many times a second with one token; the "Testing" environment allows that unless configured.</summary>
    private const int TestingApiPerMinute = 1_000_000;

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitSettings>()
            .Configure<IHostEnvironment>((o, env) =>
            {
                if (env.IsEnvironment("Testing"))
                {
                    o.ApiPerMinute = TestingApiPerMinute;
                    o.ProbesPerMinute = TestingApiPerMinute;
                }
            })
            .BindConfiguration(RateLimitSettings.Section)
            .Validate(o => o.SignInPerMinute > 0 && o.SetupPerMinute > 0 && o.ApiPerMinute > 0 && o.ProbesPerMinute > 0, $"{RateLimitSettings.Section}: every limit must be a positive number of requests per minute.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((o, settings) =>
        {
            var limits = settings.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx => Partition(ctx, limits));
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    public static void UsePortalRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Partition(HttpContext ctx, RateLimitSettings limits)
    {
        var request = ctx.Request;
        var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var post = HttpMethods.IsPost(request.Method);
        if (post && (request.Path.StartsWithSegments("/login") || request.Path.StartsWithSegments("/api/v1/auth/tokens")))
        {
            return PerMinute("sign-in " + address, limits.SignInPerMinute);
        }
        if (post && (request.Path.StartsWithSegments("/setup") || request.Path.StartsWithSegments("/api/v1/setup")))
        {
            return PerMinute("setup " + address, limits.SetupPerMinute);
        }
        if (request.Path.StartsWithSegments("/api"))
        {
            var caller = ctx.User.Identity?.IsAuthenticated == true
                ? ctx.User.FindFirstValue("drportal:token") is { } token ? "token " + token : "user " + ctx.User.Identity.Name
                : "address " + address;
            return PerMinute("api " + caller, limits.ApiPerMinute);
        }
        if (request.Path.StartsWithSegments(Operations.HealthEndpoints.Ready) || request.Path.StartsWithSegments(Operations.HealthEndpoints.Metrics))
        {
            return PerMinute("probes " + address, limits.ProbesPerMinute);
        }
        return RateLimitPartition.GetNoLimiter("pages");
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var answer = new Api.TooManyRequestsResult(rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
        if (Api.ApiErrors.IsApi(context.Request))
        {
            await answer.ExecuteAsync(context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = answer.Seconds.ToString(CultureInfo.InvariantCulture);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Too many requests from this client; try again in {answer.Seconds} s.", ct);
        }
    }
}
