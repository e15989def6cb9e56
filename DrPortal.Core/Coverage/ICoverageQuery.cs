namespace DrPortal.Core.Coverage;

/// <summary>The protection coverage now. Never waits for a host: listing VMs happens in the background.</summary>
public interface ICoverageQuery
{
    /// <param name="refresh">List the hosts' VMs again now (in the background) even if the cached lists are still fresh.</param>
    Task<CoverageReport> GetAsync(bool refresh, CancellationToken ct);
}
