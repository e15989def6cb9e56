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
        services.AddDbContextFactory<DrPortalDbContext>(o => Database.Configure(o, connectionString));
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
        services.AddSingleton<ISecurityPolicyStore, Accounts.DefaultSecurityPolicyStore>();
        services.AddSingleton<Core.Notifications.IOperationalEvents, Notifications.LoggedOperationalEvents>();
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
        services.AddSingleton<RetentionApplier>();
        services.AddSingleton<IRetentionPruner>(sp => sp.GetRequiredService<RetentionApplier>());
        return services;
    }
}
