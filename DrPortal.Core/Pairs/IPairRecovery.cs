using DrPortal.Core.Common;

namespace DrPortal.Core.Pairs;

/// <summary>A pair's network mappings and boot check, checked against the recovery host's networks when it answers.</summary>
public interface IPairRecovery
{
    Task<Result<PairRecoveryView>> GetAsync(int pairId, CancellationToken ct);

    Task<Result<VmPair>> SaveAsync(int pairId, PairRecoveryInput input, string actor, bool actorIsAdmin, CancellationToken ct);
}
