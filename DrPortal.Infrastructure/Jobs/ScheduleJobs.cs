using System.Globalization;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Schedules;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// One Hangfire recurring job per enabled schedule, id "schedule-{id}", on the schedule's cron and time zone, so the
/// dashboard lists them. The job only carries the schedule id; the slot and its claim are worked out when it fires.
/// </summary>
internal sealed class HangfireScheduleJobs(IRecurringJobManager recurring) : IScheduleJobs
{
    public static string JobId(int scheduleId) => "schedule-" + scheduleId.ToString(CultureInfo.InvariantCulture);

    public void Sync(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!schedule.Enabled)
        {
            Remove(schedule.Id);
            return;
        }
        var id = schedule.Id;
        recurring.AddOrUpdate<ScheduleTriggerJob>(JobId(id), JobQueues.Schedules, job => job.RunAsync(id, CancellationToken.None), schedule.CronExpression,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone) });
    }

    public void Remove(int scheduleId) => recurring.RemoveIfExists(JobId(scheduleId));
}

/// <summary>The Hangfire job behind a schedule: claims and runs its due slot.</summary>
internal sealed class ScheduleTriggerJob(ScheduleTrigger trigger)
{
    // A lost claim or a failed request is recorded on the run row; retrying could only claim nothing or a later slot.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Schedule {0}")]
    public Task RunAsync(int scheduleId, CancellationToken ct) => trigger.FireAsync(scheduleId, ct);
}

/// <summary>
/// On start, registers every schedule with Hangfire again (its in-memory storage forgot them) and catches up
/// missed slots. Registered after <see cref="TaskReconciler"/>, so catch-up tasks are handed to the executor once.
/// </summary>
internal sealed partial class ScheduleReconciler(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IScheduleJobs jobs,
    ScheduleTrigger trigger,
    ILogger<ScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken))
            {
                try
                {
                    jobs.Sync(schedule);
                }
                catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
                {
                    LogSyncFailed(logger, ex, schedule.Id);
                }
            }
        }
        await trigger.CatchUpAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId} could not be registered with the executor")]
    private static partial void LogSyncFailed(ILogger logger, Exception ex, int scheduleId);
}
