using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace DrPortal.Web.Security;

/// <summary>
/// X-Forwarded-For/-Proto/-Host are believed only from the reverse proxies named in "DrPortal:TrustedProxies"
/// (IP addresses or CIDR networks, as a list or one string split on commas, semicolons or spaces). None is trusted
/// by default, not even loopback (the framework's default): a header anyone can send must not make a plain-HTTP
/// request look like HTTPS or change the client address the rate limits and the audit log see.
/// </summary>
internal static class TrustedForwardedHeaders
{
    public const string Setting = "DrPortal:TrustedProxies";

    /// <summary>Read at start: a malformed entry stops the portal there, not at its first request.</summary>
    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IConfiguration>((o, configuration) => Configure(o, Parse(configuration), AllowedHosts(configuration)))
            .ValidateOnStart();
        return services;
    }

    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();

    internal static void Configure(ForwardedHeadersOptions options, IReadOnlyList<IPNetwork> proxies, IReadOnlyList<string> allowedHosts)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownIPNetworks.Add(proxy);
        }
        // A chain of trusted proxies is walked back to the first address that is not one of them.
        options.ForwardLimit = null;
        // Host filtering runs before this middleware, so a forwarded host is held to the same list.
        options.AllowedHosts = [.. allowedHosts];
    }

    /// <summary>The trusted proxies; an entry that is neither an IP address nor a CIDR network stops the start, naming the setting.</summary>
    internal static IReadOnlyList<IPNetwork> Parse(IConfiguration configuration) => NetworkList.Parse(configuration, Setting);

    /// <summary>AllowedHosts ("localhost;127.0.0.1;[::1]") as host names; "*" or nothing allows any.</summary>
    private static IReadOnlyList<string> AllowedHosts(IConfiguration configuration) =>
        [.. (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(h => h != "*")];
}
