using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Audit;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

public sealed class DrPortalDbContext(DbContextOptions<DrPortalDbContext> options) : IdentityDbContext<PortalUser>(options)
{
    public DbSet<Hypervisor> Hypervisors => Set<Hypervisor>();
    public DbSet<VmPair> VmPairs => Set<VmPair>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<SecurityPolicyRow> SecurityPolicies => Set<SecurityPolicyRow>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SecurityKey> SecurityKeys => Set<SecurityKey>();
    public DbSet<DrTask> Tasks => Set<DrTask>();
    public DbSet<DrTaskStage> TaskStages => Set<DrTaskStage>();
    public DbSet<DrTaskLogLine> TaskLogLines => Set<DrTaskLogLine>();
    public DbSet<Archive> Archives => Set<Archive>();
    public DbSet<ArchiveFile> ArchiveFiles => Set<ArchiveFile>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<ScheduleRun> ScheduleRuns => Set<ScheduleRun>();
    public DbSet<Core.Recovery.RecoveryPlan> RecoveryPlans => Set<Core.Recovery.RecoveryPlan>();
    public DbSet<Core.Recovery.DrRun> DrRuns => Set<Core.Recovery.DrRun>();
    public DbSet<Core.Notifications.NotificationTarget> NotificationTargets => Set<Core.Notifications.NotificationTarget>();
    public DbSet<Core.Notifications.NotificationRule> NotificationRules => Set<Core.Notifications.NotificationRule>();
    public DbSet<Core.Notifications.NotificationDelivery> NotificationDeliveries => Set<Core.Notifications.NotificationDelivery>();
    public DbSet<Core.Notifications.ReadinessDigestSettings> ReadinessDigestSettings => Set<Core.Notifications.ReadinessDigestSettings>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(DrPortalDbContext).Assembly);
    }
}
