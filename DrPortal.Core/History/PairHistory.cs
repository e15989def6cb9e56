namespace DrPortal.Core.History;

/// <summary>A pair's recent finished tasks with their figures, oldest first (the order a chart reads).</summary>
public sealed record PairHistory(int PairId, string Pair, DateTimeOffset Since, IReadOnlyList<TaskFigures> Tasks);
