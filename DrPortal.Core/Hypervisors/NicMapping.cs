namespace DrPortal.Core.Hypervisors;

/// <summary>Where one NIC of a recovered VM goes: applied after the restore and before the first start.</summary>
/// <param name="Nic">The NIC, as <see cref="VmNic.Id"/> names it ("net0").</param>
/// <param name="Network">The bridge or network on the recovery host; null keeps the one the restored configuration names.</param>
/// <param name="VlanTag">The VLAN tag (1..4094), or null for none.</param>
/// <param name="Mac">Keep the primary's MAC or have a new one made.</param>
/// <param name="LinkUp">Whether the NIC's link is up when the VM starts.</param>
public sealed record NicMapping(string Nic, string? Network, int? VlanTag, MacPolicy Mac, bool LinkUp)
{
    public const int MaxVlanTag = 4094;

    /// <summary>A drill's default for a NIC: link down and a new MAC, so the copy can never meet the primary's network.</summary>
    public static NicMapping Isolated(string nic) => new(nic, null, null, MacPolicy.New, LinkUp: false);
}
