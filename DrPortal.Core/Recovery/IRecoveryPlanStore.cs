using DrPortal.Core.Common;

namespace DrPortal.Core.Recovery;

/// <summary>The recovery plans, with their groups and members (and the members' pairs with their hosts).</summary>
public interface IRecoveryPlanStore
{
    Task<IReadOnlyList<RecoveryPlan>> ListAsync(CancellationToken ct);

    Task<RecoveryPlan?> FindAsync(int id, CancellationToken ct);

    Task<Result<RecoveryPlan>> CreateAsync(RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct);

    Task<Result<RecoveryPlan>> UpdateAsync(int id, RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct);

    Task<Result<RecoveryPlan>> DeleteAsync(int id, string actor, CancellationToken ct);
}
