namespace DrPortal.Core.Hosts;

/// <summary>A page of hosts in name order, and the number of hosts there are.</summary>
public sealed record HypervisorPage(IReadOnlyList<Hypervisor> Items, int Total);
