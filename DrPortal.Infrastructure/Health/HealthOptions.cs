namespace DrPortal.Infrastructure.Health;

/// <summary>Readiness and background host checks, under "DrPortal:Health" (environment: DrPortal__Health__HostCheckIntervalSeconds, ...).</summary>
public sealed class HealthOptions
{
    public const string Section = "DrPortal:Health";

    /// <summary>How often every host is checked (reachability, pinned key, free space); 300 s by default.</summary>
    public int HostCheckIntervalSeconds { get; set; } = 300;

    /// <summary>How often every pair's newest good restore point is held against its RPO; 60 s by default.</summary>
    public int RpoCheckIntervalSeconds { get; set; } = 60;

    /// <summary>How many hosts are checked at the same time.</summary>
    public int HostCheckConcurrency { get; set; } = 4;

    /// <summary>How long one host's check may take before it counts as unreachable.</summary>
    public int HostCheckTimeoutSeconds { get; set; } = 30;

    /// <summary>Below this many free MiB the repository makes /readyz unready and raises RepositorySpaceLow.</summary>
    public long RepositoryMinimumFreeMiB { get; set; } = 1024;

    /// <summary>Below this many free MiB in a host's dump area the host's state is SpaceLow.</summary>
    public long DumpMinimumFreeMiB { get; set; } = 1024;

    internal long RepositoryMinimumFreeBytes => RepositoryMinimumFreeMiB * 1024 * 1024;

    internal long DumpMinimumFreeBytes => DumpMinimumFreeMiB * 1024 * 1024;
}
