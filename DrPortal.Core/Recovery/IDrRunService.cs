using DrPortal.Core.Common;

namespace DrPortal.Core.Recovery;

/// <summary>
/// Drills, failovers and failbacks. A request is checked (roles are the API's and the page's: drills need an operator,
/// failover and failback an admin) and written as a queued run before anything runs; the run and its child tasks do
/// the work.
/// </summary>
public interface IDrRunService
{
    Task<Result<DrRun>> DrillPlanAsync(int planId, DrRunRequest request, string actor, CancellationToken ct);

    Task<Result<DrRun>> DrillPairAsync(int pairId, DrRunRequest request, string actor, CancellationToken ct);

    /// <summary>Planned or disaster failover of a plan's pairs (<paramref name="kind"/> is one of the two).</summary>
    Task<Result<DrRun>> FailoverAsync(int planId, DrRunKind kind, DrRunRequest request, string actor, CancellationToken ct);

    Task<Result<DrRun>> FailbackAsync(int planId, DrRunRequest request, string actor, CancellationToken ct);

    Task<Result<DrRun>> CancelAsync(long runId, string actor, CancellationToken ct);

    /// <summary>Newest first; optionally of one plan or one pair.</summary>
    Task<IReadOnlyList<DrRun>> ListAsync(int? planId, int? pairId, int take, CancellationToken ct);

    /// <summary>The run with its groups and child tasks (with their stages).</summary>
    Task<DrRun?> FindAsync(long runId, CancellationToken ct);
}
