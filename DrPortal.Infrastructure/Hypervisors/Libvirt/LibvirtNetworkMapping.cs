using System.Globalization;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// A pair's NIC mapping checked against a domain and its host, every check before the first change: the NICs must be
/// the domain's, the networks must exist there, and a VLAN tag must land where libvirt can tag one (Open vSwitch; not
/// a Linux bridge in libvirt 9). Then the read-back: whether the redefined domain shows what was asked.
/// </summary>
public static class LibvirtNetworkMapping
{
    /// <exception cref="HypervisorCommandException">The mapping cannot be applied whole; the message says why and that nothing changed.</exception>
    public static IReadOnlyList<LibvirtNicChange> Resolve(string domain, string hostName, IReadOnlyList<LibvirtInterface> nics,
        IReadOnlyList<LibvirtHostNetwork> networks, IReadOnlyList<NicMapping> mapping)
    {
        ArgumentNullException.ThrowIfNull(nics);
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(mapping);
        var ids = nics.Select((_, i) => Id(i)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in mapping)
        {
            if (m is null || !ids.Contains(m.Nic ?? "", StringComparer.Ordinal))
            {
                throw Refused($"Domain {domain} on {hostName} has no NIC '{m?.Nic}'; it has {(ids.Count == 0 ? "none" : string.Join(", ", ids))}.");
            }
            if (!seen.Add(m.Nic!))
            {
                throw Refused($"NIC {m.Nic} of domain {domain} is mapped twice.");
            }
        }
        var byName = networks.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var missing = mapping.Where(m => m.Network is not null && !byName.ContainsKey(m.Network)).Select(m => m.Network!).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var existing = networks.Count == 0 ? "none" : string.Join(", ", networks.Select(n => n.Isolated ? $"{n.Name} (isolated)" : n.Name));
            throw Refused($"{(missing.Count == 1 ? "Network" : "Networks")} {string.Join(", ", missing)} {(missing.Count == 1 ? "does" : "do")} not exist on {hostName}; " +
                          $"it has: {existing}.");
        }
        var changes = new List<LibvirtNicChange>();
        foreach (var m in mapping)
        {
            var index = ids.IndexOf(m.Nic);
            var nic = nics[index];
            var target = m.Network is null ? null : byName[m.Network];
            if (m.VlanTag is { } tag)
            {
                if (tag is < 1 or > NicMapping.MaxVlanTag)
                {
                    throw Refused($"NIC {m.Nic} of domain {domain}: VLAN tag {tag} is not between 1 and {NicMapping.MaxVlanTag}.");
                }
                var current = target is null && nic.Source is not null && byName.TryGetValue(nic.Source, out var known) ? known : null;
                var capable = target?.VlanCapable ?? (nic.VirtualPort == "openvswitch" || current?.VlanCapable == true);
                if (!capable)
                {
                    var on = target?.Name ?? nic.Source ?? "its network";
                    throw Refused($"NIC {m.Nic} of domain {domain}: VLAN tag {tag} cannot be set on {on} of {hostName}: libvirt tags VLANs only on Open vSwitch " +
                                  "(a libvirt network on an Open vSwitch bridge), not on a Linux bridge. Map the NIC to such a network or leave the tag out.");
                }
            }
            changes.Add(new LibvirtNicChange(index, target, m.VlanTag, m.Mac == MacPolicy.New, m.LinkUp));
        }
        return changes;
    }

    /// <summary>"net0: ..." for each change the redefined domain does not show; empty when it shows them all.</summary>
    public static IReadOnlyList<string> Mismatches(IReadOnlyList<LibvirtInterface> before, IReadOnlyList<LibvirtInterface> after, IReadOnlyList<LibvirtNicChange> changes)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(changes);
        if (after.Count != before.Count)
        {
            return [$"every NIC (it had {before.Count} interface(s), it has {after.Count})"];
        }
        var wrong = new List<string>();
        foreach (var change in changes)
        {
            var (was, now, id) = (before[change.Index], after[change.Index], Id(change.Index));
            var network = change.Target?.Name ?? was.Source;
            var type = change.Target is null ? was.Type : change.Target.Kind == LibvirtNetworkKind.LinuxBridge ? "bridge" : "network";
            if (now.Source != network || now.Type != type)
            {
                wrong.Add($"{id} (joins {now.Source ?? "nothing"} as {now.Type}, not {network ?? "nothing"} as {type})");
            }
            if (now.LinkDown == change.LinkUp)
            {
                wrong.Add($"{id} (link {(now.LinkDown ? "down" : "up")})");
            }
            if (now.VlanTag != change.VlanTag)
            {
                wrong.Add($"{id} (VLAN {Tag(now.VlanTag)}, not {Tag(change.VlanTag)})");
            }
            var sameMac = string.Equals(now.Mac, was.Mac, StringComparison.OrdinalIgnoreCase);
            if (change.NewMac ? now.Mac is null || sameMac : !sameMac)
            {
                wrong.Add($"{id} (MAC {now.Mac ?? "none"}, {(change.NewMac ? "not a new one" : $"not {was.Mac}")})");
            }
        }
        return wrong;
    }

    private static string Id(int index) => "net" + index.ToString(CultureInfo.InvariantCulture);

    private static string Tag(int? tag) => tag?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static HypervisorCommandException Refused(string reason) => new(reason + " Nothing was changed.", 0, []);
}
