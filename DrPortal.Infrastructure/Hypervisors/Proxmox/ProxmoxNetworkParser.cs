using System.Globalization;
using System.Text.Json;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// Parses `pvesh get /nodes/{node}/network --output-format json` (pve-manager PVE/API2/Network.pm): one JSON array whose
/// order is unstable, one object per interface with `iface` and `type`, other keys only when set. Values read from
/// /etc/network/interfaces are strings and computed ones numbers (`"bridge_fd":"0"` or `0`), so every value is read by
/// its text whichever JSON type it has.
/// </summary>
public static class ProxmoxNetworkParser
{
    /// <summary>
    /// The bridges a NIC can join (types `bridge` and `OVSBridge`), sorted by name. A bridge without ports has no uplink
    /// out of the node: it is isolated. Entries with a name that is not a bridge name are left out.
    /// </summary>
    /// <exception cref="FormatException">The output is not a JSON array of objects.</exception>
    public static IReadOnlyList<HostNetwork> ParseBridges(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("pvesh did not print the node's network as JSON.", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("pvesh printed the node's network as something other than a JSON array.");
            }
            var result = new List<HostNetwork>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || Text(item, "type") is not ("bridge" or "OVSBridge") || !ProxmoxBridge.TryParse(Text(item, "iface"), out var bridge))
                {
                    continue;
                }
                var ports = (Text(item, "type") == "OVSBridge" ? Text(item, "ovs_ports") : Text(item, "bridge_ports"))?.Trim() ?? "";
                result.Add(new HostNetwork(bridge.Name, Isolated: ports.Length == 0, Detail(item, ports)));
            }
            return result.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        }
    }

    private static string Detail(JsonElement item, string ports)
    {
        var parts = new List<string> { ports.Length == 0 ? "no ports" : "ports " + ports };
        if (Text(item, "cidr") is { Length: > 0 } cidr)
        {
            parts.Add(cidr);
        }
        if (Text(item, "bridge_vlan_aware") is "1")
        {
            parts.Add("VLAN aware");
        }
        if (Text(item, "comments")?.Trim() is { Length: > 0 } comments)
        {
            parts.Add(comments.ReplaceLineEndings(" "));
        }
        return string.Join("; ", parts);
    }

    /// <summary>A value as text, whether pvesh printed it as a string or a number; null when absent or structured.</summary>
    private static string? Text(JsonElement item, string key) =>
        !item.TryGetProperty(key, out var value) ? null
        : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : value.GetRawText(),
            JsonValueKind.True => "1",
            JsonValueKind.False => "0",
            _ => null,
        };
}
