namespace DrPortal.Core.Coverage;

/// <summary>A pair named in a coverage gap, with its label for people.</summary>
public sealed record CoveredPair(int PairId, string Label);
