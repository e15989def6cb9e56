using DrPortal.Core.Common;

namespace DrPortal.Core.Pairs;

/// <summary>The VM pairs. A target (host, VMID) belongs to one pair; a source may feed several targets.</summary>
public interface IVmPairStore
{
    /// <summary>All pairs with their hosts loaded.</summary>
    Task<IReadOnlyList<VmPair>> ListAsync(CancellationToken ct);

    /// <summary>One page of the pairs in id order (the order of <see cref="ListAsync"/>), with their hosts, and the total.</summary>
    Task<VmPairPage> PageAsync(ListWindow window, CancellationToken ct);

    Task<VmPair?> FindAsync(int id, CancellationToken ct);

    Task<Result<VmPair>> CreateAsync(VmPairInput input, string actor, CancellationToken ct);

    Task<Result<VmPair>> UpdateAsync(int id, VmPairInput input, string actor, CancellationToken ct);

    Task<Result<VmPair>> DeleteAsync(int id, string actor, CancellationToken ct);
}
