using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace DrPortal.Web;

/// <summary>
/// Hangfire's dashboard polls /hangfire/stats with a POST form naming the metrics it wants; a GET (an admin's browser,
/// a monitoring probe) made Hangfire read a form the request does not have, and it failed with a 500. A GET is now
/// answered with every metric the dashboard knows, as if it had asked for all of them.
/// </summary>
internal static class HangfireStats
{
    public const string Path = "/hangfire/stats";

    public static void UseHangfireStatsOnGet(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase))
        {
            var all = new StringValues(DashboardMetrics.GetMetrics().Select(m => m.Name).ToArray());
            context.Features.Set<IFormFeature>(new FormFeature(new FormCollection(new Dictionary<string, StringValues> { ["metrics[]"] = all })));
        }
        return next(context);
    });
}
