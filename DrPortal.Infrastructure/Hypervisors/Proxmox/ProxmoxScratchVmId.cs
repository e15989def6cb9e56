namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Where a drill's scratch copy lives: the first VMID from 900000 up that nobody uses.</summary>
public static class ProxmoxScratchVmId
{
    /// <summary>Far above what people and `qm create`'s next-id (from 100 up) hand out, so a drill never takes a VMID someone is about to use.</summary>
    public const int First = 900_000;

    /// <param name="onHost">The VMIDs on the node.</param>
    /// <param name="taken">References the caller holds already (other scratch VMs of the same drill); any text, only VMIDs count.</param>
    /// <exception cref="InvalidOperationException">Every VMID from 900000 to 999999999 is taken.</exception>
    public static VmId Pick(IEnumerable<VmId> onHost, IEnumerable<string> taken)
    {
        ArgumentNullException.ThrowIfNull(onHost);
        ArgumentNullException.ThrowIfNull(taken);
        var used = new HashSet<int>(onHost.Select(v => v.Value));
        foreach (var text in taken)
        {
            if (VmId.TryParse(text, out var id))
            {
                used.Add(id.Value);
            }
        }
        for (long candidate = First; candidate <= VmId.Max; candidate++)
        {
            if (!used.Contains((int)candidate))
            {
                return VmId.From((int)candidate);
            }
        }
        throw new InvalidOperationException($"Every VMID from {First} to {VmId.Max} is taken.");
    }
}
