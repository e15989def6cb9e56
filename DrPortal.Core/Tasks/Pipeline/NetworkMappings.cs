using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>The one place that says which network mapping a task applies to the VM it restored.</summary>
public static class NetworkMappings
{
    /// <summary>
    /// Drill: the pair's drill mapping, every NIC it does not name isolated (link down, new MAC). Failover: the pair's
    /// failover mapping (empty keeps the restored networks). Failback: the source VM's NICs as recorded before the
    /// failover, MACs kept. Others: none.
    /// </summary>
    /// <param name="nics">The NICs of the restored VM.</param>
    public static IReadOnlyList<NicMapping> For(DrTaskKind kind, VmPair pair, IReadOnlyList<VmNic> nics)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(nics);
        return kind switch
        {
            DrTaskKind.Drill => nics.Select(n => pair.DrillNetwork.FirstOrDefault(m => m.Nic == n.Id) ?? NicMapping.Isolated(n.Id))
                .Concat(pair.DrillNetwork.Where(m => nics.All(n => n.Id != m.Nic))).ToList(),
            DrTaskKind.PlannedFailover or DrTaskKind.DisasterFailover => pair.FailoverNetwork,
            DrTaskKind.Failback => pair.SourceNics.Select(n => new NicMapping(n.Id, n.Network, n.VlanTag, MacPolicy.Keep, n.LinkUp)).ToList(),
            _ => [],
        };
    }

    /// <summary>Every reason the mapping cannot be applied on a host with these networks (before anything is changed).</summary>
    public static IReadOnlyList<string> Problems(DrTaskKind kind, IReadOnlyList<NicMapping> mapping, IReadOnlyList<HostNetwork> networks, string hostName)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return mapping.Select(m => PairRecoveryInput.NetworkProblem(m, networks, hostName, drill: kind == DrTaskKind.Drill)).OfType<string>().ToList();
    }

    public static string Describe(VmNic nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        return $"{nic.Id} {nic.Mac ?? "(no MAC)"} on {nic.Network ?? "(no network)"}{(nic.VlanTag is { } tag ? $" tag {tag}" : "")}, link {(nic.LinkUp ? "up" : "down")}";
    }
}
