namespace DrPortal.Infrastructure;

/// <summary>Settings under "DrPortal" in configuration (environment: DrPortal__DataDirectory, ...).</summary>
public sealed class DrPortalOptions
{
    public const string Section = "DrPortal";

    /// <summary>Where the portal keeps its SSH key, Data Protection keys and archive repository.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The archive repository: &lt;data&gt;/repository/&lt;source host&gt;/&lt;vmid&gt;/&lt;file&gt;.</summary>
    public string RepositoryDirectory => Path.Combine(DataDirectory, "repository");

    /// <summary>Where the repository copy of an archive lives.</summary>
    public string RepositoryPathOf(Core.Archives.Archive archive) => Path.Combine(RepositoryDirectory, archive.RepositoryRelativePath);

    public const int DefaultWorkers = 4;

    /// <summary>How many tasks run at the same time (heavy stages are still one per host).</summary>
    public int Workers { get; set; } = DefaultWorkers;

    /// <summary>ssh keep-alive interval for transfers; a cut link is noticed after about four of these.</summary>
    public int TransferKeepAliveSeconds { get; set; } = 15;
}
