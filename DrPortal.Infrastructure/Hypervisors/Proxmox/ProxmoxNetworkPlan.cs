using System.Globalization;
using System.Text.RegularExpressions;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// A network mapping checked against a VM's NICs before anything changes, and its result checked against the
/// configuration read back afterwards. Pure: the driver runs the commands.
/// </summary>
public static partial class ProxmoxNetworkPlan
{
    /// <summary>The options a mapping sets; every other option of a NIC (firewall, mtu, queues, rate, trunks) must survive it.</summary>
    private static readonly HashSet<string> MappedOptions = new(StringComparer.Ordinal) { "bridge", "tag", "link_down" };

    /// <exception cref="ArgumentException">A NIC id that is not netN, a NIC named twice, a bad bridge name or VLAN tag.</exception>
    /// <exception cref="HypervisorCommandException">The mapping names a NIC the VM does not have.</exception>
    public static IReadOnlyList<ProxmoxNicChange> Build(VmRef vm, string hostName, IReadOnlyList<(int Index, ProxmoxNic Nic)> nics, IReadOnlyList<NicMapping> mapping)
    {
        ArgumentNullException.ThrowIfNull(nics);
        ArgumentNullException.ThrowIfNull(mapping);
        var result = new List<ProxmoxNicChange>();
        foreach (var m in mapping)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(mapping));
            var match = NicId().Match(m.Nic ?? "");
            if (!match.Success)
            {
                throw new ArgumentException($"'{m.Nic}' is not a Proxmox NIC (net0 to net31).", nameof(mapping));
            }
            var index = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            if (result.Any(r => r.Index == index))
            {
                throw new ArgumentException($"The mapping names {m.Nic} twice.", nameof(mapping));
            }
            var current = nics.FirstOrDefault(n => n.Index == index).Nic
                ?? throw new HypervisorCommandException(
                    $"VM {vm} on {hostName} has no NIC {m.Nic}; it has {(nics.Count > 0 ? string.Join(", ", nics.Select(n => $"net{n.Index}")) : "none")}. Nothing was changed.",
                    0, []);
            result.Add(new ProxmoxNicChange(index, m, current, current.WithMapping(m)));
        }
        return result;
    }

    /// <summary>Each mapped NIC the read-back configuration does not show as wanted, with what is wrong; empty when all are.</summary>
    public static IReadOnlyList<string> Unmet(IReadOnlyList<ProxmoxNicChange> changes, IReadOnlyList<(int Index, ProxmoxNic Nic)> after)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(after);
        var wrong = new List<string>();
        foreach (var change in changes)
        {
            var now = after.FirstOrDefault(n => n.Index == change.Index).Nic;
            var problem = now is null ? "it is gone"
                : now.Model != change.Wanted.Model ? $"model {now.Model}"
                : now.Bridge != change.Wanted.Bridge ? $"bridge {now.Bridge ?? "(none)"}"
                : now.VlanTag != change.Wanted.VlanTag ? $"tag {now.VlanTag?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}"
                : now.LinkDown != change.Wanted.LinkDown ? $"link {(now.LinkDown ? "down" : "up")}"
                : change.Mapping.Mac == MacPolicy.Keep && now.Mac != change.Current.Mac ? $"MAC {now.Mac} instead of the kept {change.Current.Mac}"
                : change.Mapping.Mac == MacPolicy.New && (now.Mac is null || now.Mac == change.Current.Mac) ? $"MAC {now.Mac ?? "(none)"} is not a new one"
                : !SameOtherOptions(now, change.Current) ? "its other options changed"
                : null;
            if (problem is not null)
            {
                wrong.Add($"{change.Id} ({problem})");
            }
        }
        return wrong;
    }

    private static bool SameOtherOptions(ProxmoxNic a, ProxmoxNic b)
    {
        var left = a.Options.Where(o => !MappedOptions.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal);
        var right = b.Options.Where(o => !MappedOptions.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal);
        return left.SequenceEqual(right);
    }

    [GeneratedRegex(@"^net([0-9]|[12][0-9]|3[01])\z")]
    private static partial Regex NicId();
}
