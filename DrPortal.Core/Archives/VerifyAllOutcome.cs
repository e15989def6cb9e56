namespace DrPortal.Core.Archives;

/// <summary>What a request to verify everything started.</summary>
/// <param name="TaskIds">One verify task per pair with restore points (new or already under way).</param>
/// <param name="Unreachable">Restore points whose pair was deleted: a verify runs per pair, so these are not verified.</param>
public sealed record VerifyAllOutcome(IReadOnlyList<long> TaskIds, int Unreachable);
