using DrPortal.Core.Hosts;

namespace DrPortal.Core.Hypervisors;

/// <summary>The one lookup of a host's driver by its kind.</summary>
public sealed class HypervisorDrivers(IEnumerable<IHypervisorDriver> drivers)
{
    private readonly IReadOnlyList<IHypervisorDriver> _drivers = drivers.ToList();

    public IHypervisorDriver? Find(HypervisorKind kind) => _drivers.FirstOrDefault(d => d.Profile.Kind == kind);

    /// <exception cref="InvalidOperationException">No driver of the host's kind is registered.</exception>
    public IHypervisorDriver For(Hypervisor host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Find(host.Kind) ?? throw new InvalidOperationException($"No driver for hypervisor kind {host.Kind} (host {host.Name}).");
    }
}
