using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Infrastructure.Hypervisors.Libvirt;
using DrPortal.Infrastructure.Hypervisors.Proxmox;
using DrPortal.Infrastructure.Jobs;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Remote;
using DrPortal.Infrastructure.Schedules;
using DrPortal.Infrastructure.Tasks;
using DrPortal.Infrastructure.Transport;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DrPortalOptions>(configuration.GetSection(DrPortalOptions.Section));
        var dataDirectory = Path.GetFullPath(configuration[$"{DrPortalOptions.Section}:DataDirectory"] ?? ".data");
        services.PostConfigure<DrPortalOptions>(o => o.DataDirectory = dataDirectory);

        var connectionString = configuration.GetConnectionString("DrPortal")
            ?? throw new InvalidOperationException("ConnectionStrings:DrPortal is not set. Run the portal with ./dr run, or set ConnectionStrings__DrPortal.");
        // Pooled: a context per request or per render is the common case, and a pooled one skips building its services.
        services.AddPooledDbContextFactory<DrPortalDbContext>(o => Database.Configure(o, connectionString));
        // Identity's stores want a scoped context; it comes from the same factory.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContext());

        services.AddDataProtection()
            .SetApplicationName("DrPortal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "dataprotection-keys")));

        services.AddSingleton<IClock, SystemClock>();
        services.AddSingleton<IPortalKey, PortalKey>();
        services.AddSingleton<IRemoteShell, SshNetRemoteShell>();
        services.AddSingleton<HostCommandRunner>();
        services.AddProxmoxDriver();
        services.AddLibvirtDriver();
        services.AddSingleton<HypervisorDrivers>();
        services.AddSingleton<HypervisorProfiles>();
        services.AddSingleton<ArchiveRepository>();
        services.AddSingleton<IArchiveRepository>(sp => sp.GetRequiredService<ArchiveRepository>());
        services.AddSingleton<PairPreflight>();
        services.AddSingleton<IPairPreflight>(sp => sp.GetRequiredService<PairPreflight>());
        services.AddSingleton<IHypervisorStore, HypervisorStore>();
        services.AddSingleton<IVmPairStore, VmPairStore>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IHostConnections, HostConnections>();
        services.AddSingleton<IUserAccounts, Accounts.UserAccounts>();
        services.AddSingleton<ISecurityPolicyStore, Accounts.SecurityPolicyStore>();
        // Notifications: Publish queues in memory, one background loop routes, sends and retries (rows in MariaDB).
        services.AddHttpClient(Notifications.WebhookSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(20))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false });
        services.AddSingleton<Notifications.NotificationSecrets>();
        services.AddSingleton<Notifications.MailSender>();
        services.AddSingleton<Notifications.WebhookSender>();
        services.AddSingleton<Notifications.TargetSender>();
        services.AddSingleton<Notifications.NotificationRenderer>();
        services.AddSingleton<Notifications.NotificationDispatcher>();
        services.AddSingleton<Core.Notifications.IOperationalEvents>(sp => sp.GetRequiredService<Notifications.NotificationDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<Notifications.NotificationDispatcher>());
        services.AddSingleton<Core.Notifications.INotificationSettings, Notifications.NotificationStore>();
        services.AddSingleton<Notifications.ReadinessDigestService>();
        services.AddSingleton<Core.Notifications.IReadinessDigestSettings>(sp => sp.GetRequiredService<Notifications.ReadinessDigestService>());
        services.AddTransient<Notifications.ReadinessDigestJob>();
        services.AddHostedService<Notifications.ReadinessDigestRegistration>();
        services.AddSingleton<ISessionRevocations, Accounts.SessionRevocations>();
        services.AddSingleton<Accounts.UserSessionStore>();
        services.AddSingleton<IUserSessions>(sp => sp.GetRequiredService<Accounts.UserSessionStore>());
        // The browser cookie carries only a session key; the sign-in ticket stays in the database.
        services.AddSingleton<Microsoft.AspNetCore.Authentication.Cookies.ITicketStore>(sp => sp.GetRequiredService<Accounts.UserSessionStore>());
        services.AddTransient<DatabaseMigrator>();

        // Tasks: rows in MariaDB, executed by Hangfire on in-memory storage (DESIGN.md "Stack").
        services.AddSingleton<ITaskService, TaskService>();
        services.AddSingleton<IArchiveStore, ArchiveStore>();
        services.AddSingleton<ITaskFeed, TaskFeed>();
        services.AddSingleton<TaskCancellations>();
        services.AddSingleton<HostLocks>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<IArchiveTransport, RsyncTransport>();
        services.AddSingleton<TaskOutcomes>();
        services.AddTransient<TaskJob>();
        services.AddSingleton<IJobQueue, HangfireJobQueue>();
        // One storage per application, made when first asked for and disposed with it. Registered before AddHangfire,
        // whose own registration would take the process-wide JobStorage.Current: several portals in one process (the
        // tests) then shared one, and the first to stop disposed it under the others.
        // The global configuration (serializer, log provider) must be applied before anything uses the storage.
        services.AddSingleton<JobStorage>(sp =>
        {
            sp.GetRequiredService<IGlobalConfiguration>();
            return new Hangfire.InMemory.InMemoryStorage();
        });
        services.AddHangfire((sp, c) => c
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        var workers = configuration.GetValue<int?>($"{DrPortalOptions.Section}:Workers") ?? DrPortalOptions.DefaultWorkers;
        services.AddSingleton<TaskSlots>();
        // Task threads outnumber the execution slots (TaskSlots): a task waiting for a busy host sits on a thread but
        // not on a slot, so tasks for other hosts still run. Schedule triggers have their own threads and queue, so a
        // slot fires on time even when every task thread is busy.
        services.AddHangfireServer(o =>
        {
            o.ServerName = "tasks";
            o.Queues = [JobQueues.Tasks];
            o.WorkerCount = Math.Clamp(workers, 1, 64) + DrPortalOptions.HostWaitThreads;
        });
        services.AddHangfireServer(o =>
        {
            o.ServerName = "schedules";
            o.Queues = [JobQueues.Schedules];
            o.WorkerCount = 2;
            // Hangfire looks for due recurring jobs every SchedulePollingInterval (15 s by default), so a 02:00 slot
            // fired up to 15 s late; the in-memory storage makes a one-second look cheap.
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddHangfireServer(o =>
        {
            o.ServerName = "runs";
            o.Queues = [JobQueues.Runs];
            o.WorkerCount = DrPortalOptions.RunThreads;
        });
        services.AddHostedService<TaskReconciler>();

        // Drills, failovers and failbacks: plans and runs in MariaDB; a run drives its child tasks group by group.
        services.AddSingleton<Core.Recovery.IRecoveryPlanStore, RecoveryPlanStore>();
        services.AddSingleton<Core.Pairs.IPairRecovery, Recovery.PairRecovery>();
        services.AddSingleton<Core.Recovery.IDrRunService, Recovery.DrRunService>();
        services.AddSingleton<Core.Recovery.IRunQueue, HangfireRunQueue>();
        services.AddSingleton<Core.Recovery.IRunStore, Recovery.EfRunStore>();
        services.AddSingleton<Core.Recovery.RunCoordinator>();
        services.AddSingleton<Recovery.RunDriver>();
        services.AddTransient<DrRunJob>();

        // Schedules: rows in MariaDB, fired by Hangfire recurring jobs re-registered (and caught up) at start.
        services.AddSingleton<IScheduleCalendar, CronCalendar>();
        services.AddSingleton<IScheduleStore, ScheduleStore>();
        services.AddSingleton<IScheduleJobs, HangfireScheduleJobs>();
        services.AddSingleton<IRetentionPreview, RetentionPreview>();
        services.AddSingleton<IPairProtection, PairProtectionQuery>();
        // History charts, dashboard figures and the readiness report: bounded read-only queries.
        services.AddSingleton<Core.History.IRunHistory, RunHistoryQuery>();
        services.AddSingleton<Core.Reports.IReadinessReport, ReadinessReportQuery>();
        services.AddSingleton<ScheduleTrigger>();
        services.AddTransient<ScheduleTriggerJob>();
        services.AddHostedService<ScheduleReconciler>();

        // Repository integrity: verify tasks per pair, all of them weekly (a recurring job with a fixed id).
        services.AddSingleton<Core.Archives.IRepositoryVerification, RepositoryVerification>();
        services.AddTransient<VerifyAllJob>();
        services.AddHostedService<VerifyScheduleRegistration>();
        services.AddSingleton<IOrphanReport, OrphanReportQuery>();

        // Coverage: the primary hosts' VM lists cached briefly and refreshed in the background.
        services.AddSingleton<Hypervisors.HostVmInventory>();
        services.AddSingleton<Core.Coverage.ICoverageQuery, CoverageQuery>();
        services.AddSingleton<RetentionApplier>();
        services.AddSingleton<IRetentionPruner>(sp => sp.GetRequiredService<RetentionApplier>());

        // Health: readiness checks (mapped by the web layer), background host checks, Prometheus metrics.
        services.AddOptions<Health.HealthOptions>().BindConfiguration(Health.HealthOptions.Section)
            .Validate(o => o.HostCheckIntervalSeconds > 0 && o.HostCheckConcurrency > 0 && o.HostCheckTimeoutSeconds > 0
                && o.RepositoryMinimumFreeMiB >= 0 && o.DumpMinimumFreeMiB >= 0,
                $"{Health.HealthOptions.Section}: the interval, concurrency and timeout must be positive, the thresholds not negative.")
            .ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<Health.DatabaseReadiness>("database", tags: [Health.HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<Health.JobServerReadiness>("jobs", tags: [Health.HealthTags.Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<Health.RepositoryReadiness>("repository", tags: [Health.HealthTags.Ready], timeout: TimeSpan.FromSeconds(5));
        services.AddSingleton<Health.HostChecker>();
        services.AddSingleton<Health.HostCheckService>();
        services.AddHostedService(sp => sp.GetRequiredService<Health.HostCheckService>());
        services.AddSingleton<Health.RpoMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<Health.RpoMonitor>());
        services.AddOptions<Metrics.MetricsOptions>().BindConfiguration(Metrics.MetricsOptions.Section)
            .Validate(o => o.CacheSeconds >= 0 && o.MaxLabelledItems >= 0, $"{Metrics.MetricsOptions.Section}: CacheSeconds and MaxLabelledItems must not be negative.")
            .ValidateOnStart();
        services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<Metrics.TaskMetrics>();
        services.AddSingleton<Metrics.StateGauges>();
        services.AddSingleton<Metrics.PortalMetrics>();
        return services;
    }
}
