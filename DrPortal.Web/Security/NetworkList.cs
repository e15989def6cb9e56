using System.Net;
using IPNetwork = System.Net.IPNetwork;

namespace DrPortal.Web.Security;

/// <summary>
/// A list of networks in configuration: IP addresses or CIDR networks, as a list or one string split on commas,
/// semicolons or spaces. A malformed entry stops the start, naming the setting (trusted proxies, metrics scrapers).
/// </summary>
internal static class NetworkList
{
    public static IReadOnlyList<IPNetwork> Parse(IConfiguration configuration, string setting)
    {
        var section = configuration.GetSection(setting);
        return Parse(section.GetChildren().Select(c => c.Value).Append(section.Value), setting);
    }

    public static IReadOnlyList<IPNetwork> Parse(IEnumerable<string?> values, string setting) =>
        [.. values.SelectMany(v => (v ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(e => ParseEntry(e, setting))];

    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        // Kestrel reports IPv4 peers on a dual-stack socket as ::ffff:a.b.c.d.
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return networks.Any(n => n.Contains(plain));
    }

    private static IPNetwork ParseEntry(string entry, string setting)
    {
        if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        if (IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }
        throw new InvalidOperationException(
            $"{setting}: '{entry}' is neither an IP address nor a CIDR network (e.g. 10.0.0.5 or 10.0.0.0/24).");
    }
}
