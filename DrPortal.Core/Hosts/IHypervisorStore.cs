using DrPortal.Core.Common;

namespace DrPortal.Core.Hosts;

/// <summary>The inventory of hosts. Every change is validated, unique, and written to the audit log with its actor.</summary>
public interface IHypervisorStore
{
    Task<IReadOnlyList<Hypervisor>> ListAsync(CancellationToken ct);

    /// <summary>One page of the hosts in name order (ties by id), and the total.</summary>
    Task<HypervisorPage> PageAsync(ListWindow window, CancellationToken ct);

    Task<Hypervisor?> FindAsync(int id, CancellationToken ct);

    Task<Result<Hypervisor>> CreateAsync(HypervisorInput input, string actor, CancellationToken ct);

    Task<Result<Hypervisor>> UpdateAsync(int id, HypervisorInput input, string actor, CancellationToken ct);

    /// <summary>Refused with <see cref="ResultStatus.Conflict"/> while VM pairs use the host.</summary>
    Task<Result<Hypervisor>> DeleteAsync(int id, string actor, CancellationToken ct);

    /// <summary>Pins (or replaces) the host key after an admin confirmed its fingerprint.</summary>
    Task<Result<Hypervisor>> PinHostKeyAsync(int id, HostKey key, string actor, CancellationToken ct);
}
