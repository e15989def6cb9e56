using System.Globalization;
using System.Text.RegularExpressions;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// A `netN` property string as `qm config` prints it: `model=MAC` first, then the other keys in alphabetical order
/// (`bridge`, `firewall`, `link_down`, `mtu`, `queues`, `rate`, `tag`, `trunks`, ...). Written back the same way,
/// with the MAC given to keep it, because `qm set --netN` without one makes a new MAC.
/// </summary>
/// <param name="Mac">Upper case; null only for a NIC about to be written without one, so that qemu-server makes a new MAC.</param>
public sealed partial record ProxmoxNic(string Model, string? Mac, IReadOnlyDictionary<string, string> Options)
{
    public static readonly IReadOnlySet<string> Models = new HashSet<string>(StringComparer.Ordinal)
    {
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er", "ne2k_isa",
        "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    };

    public bool LinkDown => Options.TryGetValue("link_down", out var v) && v is "1" or "true" or "yes" or "on";

    /// <summary>The bridge it joins; null for user-mode networking.</summary>
    public string? Bridge => Options.GetValueOrDefault("bridge");

    /// <summary>Its VLAN tag, or null for none (or one that is not a number, which qemu-server would not have written).</summary>
    public int? VlanTag =>
        Options.TryGetValue("tag", out var tag) && int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

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

    /// <summary>
    /// This NIC as a mapping wants it: the bridge replaced (or kept when the mapping names none), the tag set or removed,
    /// the link up or down, the MAC kept or left out for a new one; every other option (firewall, mtu, queues...) stays.
    /// </summary>
    /// <exception cref="ArgumentException">The mapping's bridge is not a bridge name or its tag is outside 1..4094.</exception>
    public ProxmoxNic WithMapping(NicMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var options = new SortedDictionary<string, string>((IDictionary<string, string>)Options, StringComparer.Ordinal);
        if (mapping.Network is not null)
        {
            options["bridge"] = ProxmoxBridge.Parse(mapping.Network, nameof(mapping)).Name;
        }
        if (mapping.VlanTag is { } tag)
        {
            options["tag"] = tag is >= 1 and <= NicMapping.MaxVlanTag
                ? tag.ToString(CultureInfo.InvariantCulture)
                : throw new ArgumentException($"{mapping.Nic}: VLAN tag {tag} is outside 1..{NicMapping.MaxVlanTag}.", nameof(mapping));
        }
        else
        {
            options.Remove("tag");
        }
        var nic = (this with { Options = options }).WithLinkDown(!mapping.LinkUp);
        return mapping.Mac == MacPolicy.Keep ? nic : nic with { Mac = null };
    }

    /// <summary>The neutral view of this NIC as <c>netN</c>.</summary>
    public VmNic ToVmNic(int index) =>
        new("net" + index.ToString(CultureInfo.InvariantCulture), Mac, Bridge, VlanTag, !LinkDown, Model);

    /// <summary>`model=MAC,key=value,...` with the keys sorted, as qemu-server prints it; `model,key=value,...` without a MAC.</summary>
    public override string ToString() =>
        string.Join(',', new[] { Mac is null ? Model : $"{Model}={Mac}" }.Concat(Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")));

    public static bool IsMac(string text) => MacShape().IsMatch(text);

    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}\z")]
    private static partial Regex MacShape();
}
