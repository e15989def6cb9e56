using DrPortal.Core.Common;
using DrPortal.Core.Recovery;

namespace DrPortal.Tests.Components;

/// <summary>Plans in memory; what the editor submits is recorded, and <see cref="NextResult"/> answers the next save instead.</summary>
internal sealed class FakeRecoveryPlanStore : IRecoveryPlanStore
{
    public List<RecoveryPlan> Plans { get; } = [];
    public List<(RecoveryPlanInput Input, bool ActorIsAdmin)> Submitted { get; } = [];
    public Result<RecoveryPlan>? NextResult { get; set; }

    public Task<IReadOnlyList<RecoveryPlan>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RecoveryPlan>>([.. Plans]);

    public Task<RecoveryPlan?> FindAsync(int id, CancellationToken ct) => Task.FromResult(Plans.FirstOrDefault(p => p.Id == id));

    public Task<Result<RecoveryPlan>> CreateAsync(RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct) => SaveAsync(null, input, actorIsAdmin);

    public Task<Result<RecoveryPlan>> UpdateAsync(int id, RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct) => SaveAsync(id, input, actorIsAdmin);

    public Task<Result<RecoveryPlan>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        var plan = Plans.Single(p => p.Id == id);
        Plans.Remove(plan);
        return Task.FromResult(Result<RecoveryPlan>.Ok(plan));
    }

    private Task<Result<RecoveryPlan>> SaveAsync(int? id, RecoveryPlanInput input, bool actorIsAdmin)
    {
        // A deep copy: the editor keeps editing its own lists after a refused save.
        Submitted.Add((input with { Groups = input.Groups.Select(g => g with { Members = g.Members.Select(m => m with { }).ToList() }).ToList() }, actorIsAdmin));
        if (NextResult is { } next)
        {
            NextResult = null;
            return Task.FromResult(next);
        }
        var plan = new RecoveryPlan { Id = id ?? Plans.Count + 1 };
        input.ApplyTo(plan);
        return Task.FromResult(Result<RecoveryPlan>.Ok(plan));
    }
}
