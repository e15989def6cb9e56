using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// Reads the network script's output (<see cref="LibvirtCommands.Networks"/>): "@links" and <c>ip -d -j link show</c>,
/// "@networks" and <c>virsh net-list --all --name</c>, "@active" and the active ones, "@net NAME" and each one's
/// <c>net-dumpxml</c> (or "@unavailable" when libvirt has no network driver), then "@end".
/// A host bridge is isolated when no port but domains' taps joins it (and it is not a forwarding libvirt network's
/// bridge); a libvirt network is isolated when it has no <c>&lt;forward&gt;</c>.
/// </summary>
public static partial class LibvirtNetworkParser
{
    public const string LinksMarker = "@links";
    public const string NetworksMarker = "@networks";
    public const string ActiveMarker = "@active";
    public const string NetMarker = "@net ";
    public const string UnavailableMarker = "@unavailable";
    public const string EndMarker = "@end";

    /// <summary>The host's bridges (by name), then its libvirt networks (by name).</summary>
    /// <exception cref="FormatException">The output was cut off, or the link list is not <c>ip -j</c>'s JSON.</exception>
    public static IReadOnlyList<LibvirtHostNetwork> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var links = new System.Text.StringBuilder();
        var names = new List<string>();
        var active = new HashSet<string>(StringComparer.Ordinal);
        var xmls = new Dictionary<string, System.Text.StringBuilder>(StringComparer.Ordinal);
        string section = "", current = "";
        var ended = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line == LinksMarker || line == NetworksMarker || line == ActiveMarker || line.StartsWith(UnavailableMarker, StringComparison.Ordinal))
            {
                section = line.StartsWith(UnavailableMarker, StringComparison.Ordinal) ? UnavailableMarker : line;
                continue;
            }
            if (line.StartsWith(NetMarker, StringComparison.Ordinal))
            {
                section = NetMarker;
                current = line[NetMarker.Length..];
                xmls[current] = new System.Text.StringBuilder();
                continue;
            }
            if (line == EndMarker)
            {
                ended = true;
                break;
            }
            switch (section)
            {
                case LinksMarker:
                    links.AppendLine(line);
                    break;
                case NetworksMarker when line.Trim().Length > 0:
                    names.Add(line.Trim());
                    break;
                case ActiveMarker when line.Trim().Length > 0:
                    active.Add(line.Trim());
                    break;
                case NetMarker:
                    xmls[current].AppendLine(line);
                    break;
            }
        }
        if (!ended)
        {
            throw new FormatException("The network listing was cut off (no @end).");
        }

        var networks = names.Distinct(StringComparer.Ordinal)
            .Select(n => Network(n, active.Contains(n), xmls.TryGetValue(n, out var x) ? x.ToString() : null))
            .ToList();
        var byBridge = networks.Where(n => n.Bridge is not null).GroupBy(n => n.Bridge!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var result = Bridges(links.ToString(), byBridge).Where(b => !networks.Any(n => n.Network.Name == b.Name)).ToList();
        result.AddRange(networks.Select(n => n.Network).OrderBy(n => n.Name, StringComparer.Ordinal));
        return result;
    }

    private sealed record ParsedNetwork(LibvirtHostNetwork Network, string? Bridge, string? ForwardMode);

    private static List<LibvirtHostNetwork> Bridges(string json, Dictionary<string, ParsedNetwork> byBridge)
    {
        List<(string Name, string? Kind, string? Master)> links;
        try
        {
            using var document = JsonDocument.Parse(json.Trim().Length == 0 ? "[]" : json);
            links = document.RootElement.EnumerateArray().Select(l => (
                Name: l.TryGetProperty("ifname", out var n) ? n.GetString() ?? "" : "",
                Kind: l.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var k) ? k.GetString() : null,
                Master: l.TryGetProperty("master", out var m) ? m.GetString() : null)).ToList();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException($"The host's link list is not ip's JSON: {ex.Message}", ex);
        }
        var bridges = new List<LibvirtHostNetwork>();
        foreach (var bridge in links.Where(l => l.Kind == "bridge" && l.Name.Length > 0).OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            var ports = links.Where(l => l.Master == bridge.Name).ToList();
            var uplinks = ports.Where(p => !IsDomainTap(p.Name, p.Kind)).Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            var taps = ports.Count - uplinks.Count;
            var network = byBridge.GetValueOrDefault(bridge.Name);
            var forwarded = network is not null && !network.Network.Isolated;
            var detail = (uplinks.Count > 0 ? $"Linux bridge; ports {string.Join(", ", uplinks)}" : "Linux bridge; no uplink port")
                         + (taps > 0 ? $"; {taps} domain NIC(s)" : "")
                         + (network is null ? "" : $"; bridge of libvirt network {network.Network.Name}" + (forwarded ? $" (forward {network.ForwardMode})" : ""));
            bridges.Add(new LibvirtHostNetwork(bridge.Name, LibvirtNetworkKind.LinuxBridge, uplinks.Count == 0 && !forwarded, VlanCapable: false, detail));
        }
        return bridges;
    }

    /// <summary>A port libvirt made for a domain's NIC: a tap (ip says "tun"), or by libvirt's names when ip gives no details.</summary>
    private static bool IsDomainTap(string name, string? kind) =>
        kind is null ? DomainTapName().IsMatch(name) : kind == "tun";

    private static ParsedNetwork Network(string name, bool isActive, string? xml)
    {
        XElement? root = null;
        if (xml is not null)
        {
            try
            {
                using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                root = XDocument.Load(reader).Root;
            }
            catch (XmlException)
            {
                root = null;
            }
        }
        var forward = root?.Element("forward");
        var mode = forward is null ? null : (string?)forward.Attribute("mode") ?? "nat";
        var bridge = (string?)root?.Element("bridge")?.Attribute("name");
        var ovs = (string?)root?.Element("virtualport")?.Attribute("type") == "openvswitch";
        // Without its XML nothing says it has no uplink: it is not offered as isolated.
        var isolated = root is not null && forward is null;
        var detail = "libvirt network" + (bridge is null ? "" : $" on bridge {bridge}")
                     + (root is null ? "; its definition could not be read" : forward is null ? "; no forwarding" : $"; forward {mode}")
                     + (ovs ? "; Open vSwitch" : "") + (isActive ? "" : "; not active");
        return new ParsedNetwork(new LibvirtHostNetwork(name, LibvirtNetworkKind.Network, isolated, VlanCapable: ovs || mode == "hostdev", detail), bridge, mode);
    }

    [GeneratedRegex("^(vnet|tap|macvtap)[0-9]+\\z")]
    private static partial Regex DomainTapName();
}
