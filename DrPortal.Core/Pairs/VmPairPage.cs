namespace DrPortal.Core.Pairs;

/// <summary>A page of VM pairs in id order, and the number of pairs there are.</summary>
public sealed record VmPairPage(IReadOnlyList<VmPair> Items, int Total);
