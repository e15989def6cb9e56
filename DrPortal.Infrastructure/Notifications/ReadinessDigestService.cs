using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Core.Reports;
using DrPortal.Infrastructure.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>
/// The weekly readiness digest: its one settings row, the Hangfire recurring job that follows it, and the send itself
/// (the report to each chosen target now, a delivery row per target for the Notifications page's list).
/// </summary>
internal sealed class ReadinessDigestService(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IReadinessReport reports,
    TargetSender sender,
    IRecurringJobManager recurring,
    IClock clock,
    IOptions<DrPortalOptions> options) : IReadinessDigestSettings
{
    private const string Entity = "ReadinessDigest";

    /// <summary>A scheduled slot another node sent less than this long ago is not sent again.</summary>
    private static readonly TimeSpan SlotGuard = TimeSpan.FromHours(1);

    public async Task<ReadinessDigestSettings> GetAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReadinessDigestSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == ReadinessDigestSettings.SingletonId, ct)
            ?? new ReadinessDigestSettings();
    }

    public async Task<Result<ReadinessDigestSettings>> UpdateAsync(ReadinessDigestInput input, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.NotificationTargets.AsNoTracking().Select(t => t.Id).ToListAsync(ct);
        var errors = input.Validate(existing);
        if (!errors.IsEmpty)
        {
            return Result<ReadinessDigestSettings>.Invalid(errors);
        }
        var settings = await db.ReadinessDigestSettings.FirstOrDefaultAsync(s => s.Id == ReadinessDigestSettings.SingletonId, ct);
        var before = settings is null ? null : Snapshot(settings);
        if (settings is null)
        {
            settings = new ReadinessDigestSettings();
            db.ReadinessDigestSettings.Add(settings);
        }
        var (hour, minute) = ReadinessDigestInput.ParseTime(input.Time)!.Value;
        settings.Enabled = input.Enabled;
        settings.Day = input.Day;
        settings.Hour = hour;
        settings.Minute = minute;
        settings.TargetIds = (input.TargetIds ?? []).Distinct().ToList();
        settings.UpdatedAt = clock.UtcNow;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", Entity, Id(settings.Id),
            settings.Enabled ? $"Weekly readiness digest on, {settings.Describe()} to {settings.TargetIds.Count} target(s)" : "Weekly readiness digest off",
            before, Snapshot(settings)));
        await db.SaveChangesAsync(ct);
        Schedule(settings);
        return Result<ReadinessDigestSettings>.Ok(settings);
    }

    public async Task<Result<IReadOnlyList<DigestSendResult>>> SendNowAsync(string actor, CancellationToken ct)
    {
        var settings = await GetAsync(ct);
        if (settings.TargetIds.Count == 0)
        {
            return Result<IReadOnlyList<DigestSendResult>>.Invalid(nameof(ReadinessDigestInput.TargetIds), "Choose at least one target for the digest and save first.");
        }
        var results = await SendAsync(settings, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "send", Entity, Id(settings.Id),
            $"Sent the readiness digest now: {results.Count(r => r.Delivered)} of {results.Count} target(s) took it", null, results));
        await db.SaveChangesAsync(ct);
        return Result<IReadOnlyList<DigestSendResult>>.Ok(results);
    }

    /// <summary>The recurring job's work: sends when the digest is on and no node sent this slot already.</summary>
    internal async Task SendScheduledAsync(CancellationToken ct)
    {
        var now = clock.UtcNow;
        var guard = now - SlotGuard;
        int claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // The conditional UPDATE is the claim: of several nodes firing the same slot, one flips LastSentAt.
            claimed = await db.ReadinessDigestSettings
                .Where(s => s.Id == ReadinessDigestSettings.SingletonId && s.Enabled && (s.LastSentAt == null || s.LastSentAt < guard))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentAt, now), ct);
        }
        if (claimed == 1)
        {
            await SendAsync(await GetAsync(ct), ct);
        }
    }

    /// <summary>Registers the weekly job on the settings' cron (UTC), or removes it when the digest is off.</summary>
    internal void Schedule(ReadinessDigestSettings settings)
    {
        if (settings.Enabled && settings.TargetIds.Count > 0)
        {
            recurring.AddOrUpdate<ReadinessDigestJob>(ReadinessDigestJob.RecurringId, Jobs.JobQueues.Schedules, job => job.RunAsync(CancellationToken.None),
                settings.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
        else
        {
            recurring.RemoveIfExists(ReadinessDigestJob.RecurringId);
        }
    }

    private async Task<IReadOnlyList<DigestSendResult>> SendAsync(ReadinessDigestSettings settings, CancellationToken ct)
    {
        var report = await reports.BuildAsync(ct);
        var message = NotificationMessage.Readiness(report, ReportLink);
        List<NotificationTarget> targets;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            targets = await db.NotificationTargets.AsNoTracking().Where(t => settings.TargetIds.Contains(t.Id)).OrderBy(t => t.Name).ToListAsync(ct);
        }
        var results = new List<DigestSendResult>();
        foreach (var target in targets)
        {
            results.Add(target.Enabled
                ? await SendOneAsync(target, message, ct)
                : new DigestSendResult(target.Id, target.Name, false, "The target is disabled."));
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var at = clock.UtcNow.UtcDateTime;
            var summary = TextRules.Shorten(message.Subject, NotificationDelivery.SummaryMaxLength)!;
            db.NotificationDeliveries.AddRange(results.Select(r => new NotificationDelivery
            {
                TargetId = r.TargetId,
                TargetName = r.Target,
                Mode = DeliveryMode.Immediate,
                Summary = summary,
                Outcome = r.Delivered ? DeliveryOutcome.Sent : DeliveryOutcome.Failed,
                Attempts = 1,
                LastError = r.Delivered ? null : TextRules.Shorten(r.Message, NotificationDelivery.ErrorMaxLength),
                CreatedAt = at,
                NextAttemptAt = at,
                LastAttemptAt = at,
                SentAt = r.Delivered ? at : null,
            }));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return results;
    }

    private async Task<DigestSendResult> SendOneAsync(NotificationTarget target, NotificationMessage message, CancellationToken ct)
    {
        // One dead target is that target's outcome; the others still get the digest.
        var (delivered, answer) = await sender.TrySendOnceAsync(target, message, ct);
        return new DigestSendResult(target.Id, target.Name, delivered, answer);
    }

    private string? ReportLink => string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/') + "/reports/readiness";

    private static object Snapshot(ReadinessDigestSettings s) => new { s.Enabled, Day = s.Day.ToString(), s.Time, TargetIds = s.TargetIds.ToList() };

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
