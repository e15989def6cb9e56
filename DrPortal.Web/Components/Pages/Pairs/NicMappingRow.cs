using DrPortal.Core.Hypervisors;

namespace DrPortal.Web.Components.Pages.Pairs;

/// <summary>One NIC's mapping as the recovery dialog edits it (the Core record is immutable).</summary>
internal sealed class NicMappingRow
{
    public string? Network { get; set; }
    public int? VlanTag { get; set; }
    public MacPolicy Mac { get; set; }
    public bool LinkUp { get; set; }

    public static NicMappingRow From(NicMapping m) => new() { Network = m.Network, VlanTag = m.VlanTag, Mac = m.Mac, LinkUp = m.LinkUp };

    /// <summary>A failover NIC not mapped keeps what the restored VM names, its MAC and its link.</summary>
    public static NicMappingRow Keep() => new() { Mac = MacPolicy.Keep, LinkUp = true };

    public NicMapping ToMapping(string nic) => new(nic, Network, VlanTag, Mac, LinkUp);

    public bool IsKeep => Network is null && VlanTag is null && Mac == MacPolicy.Keep && LinkUp;

    public bool IsIsolatedDefault => Network is null && VlanTag is null && Mac == MacPolicy.New && !LinkUp;
}
