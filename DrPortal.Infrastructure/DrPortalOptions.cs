namespace DrPortal.Infrastructure;

/// <summary>Settings under "DrPortal" in configuration (environment: DrPortal__DataDirectory, ...).</summary>
public sealed class DrPortalOptions
{
    public const string Section = "DrPortal";

    /// <summary>Where the portal keeps its SSH key, Data Protection keys and archive repository.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The repository of restore points: &lt;data&gt;/repository/&lt;source host&gt;/&lt;VM&gt;/&lt;file&gt;.</summary>
    public string RepositoryDirectory => Path.Combine(DataDirectory, "repository");

    public const int DefaultWorkers = 4;

    /// <summary>Threads of the runs' queue: as many drills, failovers and failbacks as this may be under way at once.</summary>
    public const int RunThreads = 4;

    /// <summary>How many tasks do work at the same time (heavy stages are still one per host; a task waiting for a host does not count).</summary>
    public int Workers { get; set; } = DefaultWorkers;

    /// <summary>How many tasks may wait for busy hosts, beyond <see cref="Workers"/>, before further ones wait in the queue.</summary>
    public const int HostWaitThreads = 16;

    /// <summary>How many run rows each schedule keeps (newest slots); older ones are pruned as new slots are claimed.</summary>
    public int ScheduleRunsKept { get; set; } = 1000;

    /// <summary>
    /// When every restore point's copies are re-hashed (a cron in UTC; default Sundays 03:00); empty switches the
    /// verify schedule off (verifies on demand still run).
    /// </summary>
    public string VerifyCron { get; set; } = "0 3 * * 0";

    /// <summary>ssh keep-alive interval for transfers; a cut link is noticed after about four of these.</summary>
    public int TransferKeepAliveSeconds { get; set; } = 15;

    /// <summary>How long a logged-in SSH connection to a host waits idle for the next host command before it is closed.</summary>
    public int SshIdleSeconds { get; set; } = 45;

    /// <summary>
    /// The address users open the portal at (https://drportal.example.org); notification messages link to task pages
    /// under it. Unset: messages carry no link.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The first retry of a failed notification waits this long; each further one twice as long (at most an hour).</summary>
    public int NotificationRetrySeconds { get; set; } = 30;
}
