using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// Registers the verify schedule with Hangfire at start (its in-memory storage forgot it) on the configured cron,
/// or removes it when the cron is empty.
/// </summary>
internal sealed class VerifyScheduleRegistration(IRecurringJobManager recurring, IOptions<DrPortalOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = options.Value.VerifyCron;
        if (string.IsNullOrWhiteSpace(cron))
        {
            recurring.RemoveIfExists(VerifyAllJob.RecurringId);
        }
        else
        {
            try
            {
                recurring.AddOrUpdate<VerifyAllJob>(VerifyAllJob.RecurringId, JobQueues.Schedules, job => job.RunAsync(CancellationToken.None), cron.Trim(),
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"{DrPortalOptions.Section}:VerifyCron '{cron}' is not a cron expression (e.g. \"0 3 * * 0\"; empty switches it off).", ex);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
