using DrPortal.Core.Tasks;

namespace DrPortal.Core.Archives;

/// <summary>
/// Starts verify tasks (<see cref="DrTaskKind.Verify"/>) for every pair at once: on demand or from the weekly verify
/// schedule. One archive or one pair is verified through <see cref="ITaskService.RequestAsync"/>.
/// </summary>
public interface IRepositoryVerification
{
    /// <summary>Requests a verify of every pair that has restore points; a pair's verify already under way is kept.</summary>
    Task<VerifyAllOutcome> RequestAllAsync(string actor, CancellationToken ct);
}
