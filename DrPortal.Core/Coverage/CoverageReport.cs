namespace DrPortal.Core.Coverage;

/// <summary>
/// What is not protected as it should be: VMs on primary hosts in no pair, pairs without an enabled schedule, pairs
/// breaching their RPO, pairs never drilled. The VM lists of hosts come from a short-lived cache refreshed in the
/// background, so a report may be older than its pair facts: <see cref="VmsListedAt"/> says how old.
/// </summary>
/// <param name="VmsListedAt">When the oldest host VM list in the report was read; null before any was.</param>
/// <param name="Listing">A background refresh of the host VM lists is under way.</param>
/// <param name="HostsNotListed">Primary hosts whose VMs could not be listed, with why.</param>
public sealed record CoverageReport(
    IReadOnlyList<UnprotectedVm> Unprotected,
    IReadOnlyList<CoveredPair> WithoutSchedule,
    IReadOnlyList<CoveredPair> BreachingRpo,
    IReadOnlyList<CoveredPair> NeverDrilled,
    DateTimeOffset? VmsListedAt,
    bool Listing,
    IReadOnlyList<string> HostsNotListed)
{
    public int GapCount => Unprotected.Count + WithoutSchedule.Count + BreachingRpo.Count + NeverDrilled.Count;
}
