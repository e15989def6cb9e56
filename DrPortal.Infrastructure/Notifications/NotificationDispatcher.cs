using System.Threading.Channels;
using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>
/// The delivery side of <see cref="IOperationalEvents"/>. Publish only logs the event and puts it on an in-process
/// queue; the background loop matches it against the rules, writes a delivery row per target (or adds it to the day's
/// digest row), and sends whatever is due, retrying with exponential back-off. Rows are the record: deliveries pending
/// when the portal stops are sent after it starts. A dead target costs this loop time, never the publisher.
/// </summary>
internal sealed partial class NotificationDispatcher(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    TargetSender sender,
    NotificationRenderer renderer,
    IClock clock,
    IOptions<DrPortalOptions> options,
    ILogger<NotificationDispatcher> logger) : BackgroundService, IOperationalEvents
{
    private const int QueueCapacity = 10_000;
    private const int BatchSize = 20;

    private readonly Channel<OperationalEvent> _events = Channel.CreateBounded<OperationalEvent>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private TimeSpan RetryBase => TimeSpan.FromSeconds(Math.Max(1, options.Value.NotificationRetrySeconds));

    /// <summary>How often due retries and digests are looked for when no event arrives.</summary>
    private TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Clamp(options.Value.NotificationRetrySeconds, 1, 5));

    public void Publish(OperationalEvent e)
    {
        try
        {
            LogEvent(logger, e.Kind, e.Severity, e.Summary);
            if (!_events.Writer.TryWrite(e))
            {
                LogQueueFull(logger, e.Kind);
            }
        }
#pragma warning disable CA1031 // Publish never throws: the task that noticed something must not fail because of its notification.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (_events.Reader.TryRead(out var e))
                {
                    await RouteAsync(e, stoppingToken);
                }
                await SendDueAsync(stoppingToken);
                await WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One bad round (the database away for a moment) must not end notifications until a restart.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, ex);
                await Task.Delay(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(PollInterval);
        try
        {
            await _events.Reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the deliveries the rules ask for: one per target for immediate rules, the day's digest row for the others.</summary>
    internal async Task RouteAsync(OperationalEvent e, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rules = (await db.NotificationRules.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Id).ToListAsync(ct)).Where(r => r.Matches(e)).ToList();
        if (rules.Count == 0)
        {
            return;
        }
        var targets = await db.NotificationTargets.AsNoTracking().Where(t => t.Enabled).ToListAsync(ct);
        var now = clock.UtcNow.UtcDateTime;
        var immediate = new HashSet<int>();
        foreach (var rule in rules)
        {
            foreach (var target in targets.Where(rule.SendsTo))
            {
                if (rule.Mode == DeliveryMode.Immediate)
                {
                    // Two rules selecting the same event for one target send it once.
                    if (immediate.Add(target.Id))
                    {
                        db.NotificationDeliveries.Add(New(target, rule, [e], TextRules.Shorten(e.Summary, NotificationDelivery.SummaryMaxLength)!, now, now));
                    }
                    continue;
                }
                var due = rule.NextDigestAt(now);
                var digest = await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.RuleId == rule.Id && d.TargetId == target.Id
                    && d.Outcome == DeliveryOutcome.Pending && d.Attempts == 0 && d.NextAttemptAt == due, ct);
                if (digest is null)
                {
                    db.NotificationDeliveries.Add(New(target, rule, [e], DigestSummary(1), now, due));
                }
                else
                {
                    digest.Events = [.. digest.Events, e];
                    digest.Summary = DigestSummary(digest.Events.Count);
                }
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static NotificationDelivery New(NotificationTarget target, NotificationRule rule, List<OperationalEvent> events, string summary, DateTime now, DateTime due) => new()
    {
        TargetId = target.Id,
        TargetName = target.Name,
        RuleId = rule.Id,
        Mode = rule.Mode,
        Summary = summary,
        Events = events,
        Outcome = DeliveryOutcome.Pending,
        CreatedAt = now,
        NextAttemptAt = due,
    };

    private static string DigestSummary(int count) => $"Daily digest: {count} event(s)";

    /// <summary>Sends every pending delivery whose time has come, oldest due first.</summary>
    internal async Task SendDueAsync(CancellationToken ct)
    {
        while (true)
        {
            List<long> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var now = clock.UtcNow.UtcDateTime;
                due = await db.NotificationDeliveries.AsNoTracking().Where(d => d.Outcome == DeliveryOutcome.Pending && d.NextAttemptAt <= now)
                    .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Select(d => d.Id).Take(BatchSize).ToListAsync(ct);
            }
            foreach (var id in due)
            {
                await AttemptAsync(id, ct);
            }
            if (due.Count < BatchSize)
            {
                return;
            }
        }
    }

    private async Task AttemptAsync(long deliveryId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.NotificationDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null || delivery.Outcome != DeliveryOutcome.Pending)
        {
            return;
        }
        var target = delivery.TargetId is { } targetId ? await db.NotificationTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == targetId, ct) : null;
        delivery.Attempts++;
        delivery.LastAttemptAt = clock.UtcNow.UtcDateTime;
        if (target is null)
        {
            delivery.Outcome = DeliveryOutcome.Failed;
            delivery.LastError = "The target was deleted.";
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        try
        {
            var message = await renderer.RenderAsync(delivery, ct);
            await sender.SendAsync(target, message, ct);
            delivery.Outcome = DeliveryOutcome.Sent;
            delivery.SentAt = clock.UtcNow.UtcDateTime;
            delivery.LastError = null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: this attempt does not count; the row is sent after the next start.
            delivery.Attempts--;
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
#pragma warning disable CA1031 // Whatever the target does wrong is the delivery's outcome, recorded and retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            delivery.LastError = TargetSender.Describe(ex);
            if (delivery.Attempts >= NotificationDelivery.MaxAttempts)
            {
                delivery.Outcome = DeliveryOutcome.Failed;
            }
            else
            {
                delivery.NextAttemptAt = clock.UtcNow.UtcDateTime + NotificationDelivery.RetryDelay(delivery.Attempts, RetryBase);
            }
            LogAttemptFailed(logger, delivery.Id, delivery.TargetName, delivery.Attempts, delivery.LastError);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Kind} ({Severity}): {Summary}")]
    private static partial void LogEvent(ILogger logger, OperationalEventKind kind, EventSeverity severity, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The notification queue is full; event {Kind} is not notified")]
    private static partial void LogQueueFull(ILogger logger, OperationalEventKind kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification round failed; it is tried again")]
    private static partial void LogRoundFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {DeliveryId} to {Target} failed (attempt {Attempts}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, string target, int attempts, string error);
}
