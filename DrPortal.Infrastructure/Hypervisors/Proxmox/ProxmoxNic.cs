using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// A `netN` property string as `qm config` prints it: `model=MAC` first, then the other keys in alphabetical order
/// (`bridge`, `firewall`, `link_down`, `mtu`, `queues`, `rate`, `tag`, `trunks`, ...). Written back the same way,
/// with the MAC always given, because `qm set --netN` without one makes a new MAC.
/// </summary>
public sealed partial record ProxmoxNic(string Model, string Mac, IReadOnlyDictionary<string, string> Options)
{
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.Ordinal)
    {
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er", "ne2k_isa",
        "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    };

    public bool LinkDown => Options.TryGetValue("link_down", out var v) && v is "1" or "true" or "yes" or "on";

    /// <exception cref="FormatException">Not a NIC with a model and a MAC address.</exception>
    public static ProxmoxNic Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string? model = null, mac = null;
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            var (key, v) = (kv[0].Trim(), kv.Length == 2 ? kv[1].Trim() : "");
            if (Models.Contains(key))
            {
                (model, mac) = (key, v);
            }
            else if (key == "model")
            {
                model = v;
            }
            else if (key == "macaddr")
            {
                mac = v;
            }
            else
            {
                options[key] = v;
            }
        }
        if (model is null || !Models.Contains(model) || mac is null || !MacShape().IsMatch(mac))
        {
            throw new FormatException($"'{value}' is not a Proxmox NIC with a model and a MAC address.");
        }
        return new ProxmoxNic(model, mac.ToUpperInvariant(), options);
    }

    public ProxmoxNic WithLinkDown(bool down)
    {
        var options = new SortedDictionary<string, string>((IDictionary<string, string>)Options, StringComparer.Ordinal);
        if (down)
        {
            options["link_down"] = "1";
        }
        else
        {
            options.Remove("link_down");
        }
        return this with { Options = options };
    }

    /// <summary>`model=MAC,key=value,...` with the keys sorted, as qemu-server prints it.</summary>
    public override string ToString() =>
        string.Join(',', new[] { $"{Model}={Mac}" }.Concat(Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")));

    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}\z")]
    private static partial Regex MacShape();
}
