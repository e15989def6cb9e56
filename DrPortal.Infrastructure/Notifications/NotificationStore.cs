using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Targets, rules and deliveries in MariaDB. Secrets are encrypted on the way in and never come back out.</summary>
internal sealed class NotificationStore(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    NotificationSecrets secrets,
    TargetSender sender,
    NotificationRenderer renderer,
    IClock clock) : INotificationSettings
{
    private const string TargetEntity = "NotificationTarget";
    private const string RuleEntity = "NotificationRule";

    public async Task<IReadOnlyList<NotificationTargetView>> ListTargetsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var targets = await db.NotificationTargets.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        return targets.Select(NotificationTargetView.Of).ToList();
    }

    public async Task<Result<NotificationTargetView>> CreateTargetAsync(NotificationTargetInput input, string actor, CancellationToken ct)
    {
        var errors = input.Validate(null);
        if (!errors.IsEmpty)
        {
            return Result<NotificationTargetView>.Invalid(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = input.Name!.Trim();
        if (await db.NotificationTargets.AnyAsync(t => t.Name == name, ct))
        {
            return Result<NotificationTargetView>.Invalid(nameof(input.Name), $"A target named '{name}' exists already.");
        }
        var target = new NotificationTarget { CreatedAt = clock.UtcNow };
        Apply(target, input);
        db.NotificationTargets.Add(target);
        // The first target gets the default rule, so a fresh portal tells someone about failures without more setup.
        var seeded = !await db.NotificationRules.AnyAsync(ct);
        if (seeded)
        {
            db.NotificationRules.Add(NotificationRule.Default(clock.UtcNow));
        }
        await db.SaveChangesAsync(ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", TargetEntity, Id(target.Id),
            $"Added notification target {target.Name} ({target.Kind}){(seeded ? " and the default rule" : "")}", null, Snapshot(target)));
        await db.SaveChangesAsync(ct);
        return Result<NotificationTargetView>.Ok(NotificationTargetView.Of(target));
    }

    public async Task<Result<NotificationTargetView>> UpdateTargetAsync(int id, NotificationTargetInput input, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.NotificationTargets.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return Result<NotificationTargetView>.NotFound($"Notification target {id} does not exist.");
        }
        var errors = input.Validate(target);
        if (!errors.IsEmpty)
        {
            return Result<NotificationTargetView>.Invalid(errors);
        }
        var name = input.Name!.Trim();
        if (await db.NotificationTargets.AnyAsync(t => t.Name == name && t.Id != id, ct))
        {
            return Result<NotificationTargetView>.Invalid(nameof(input.Name), $"A target named '{name}' exists already.");
        }
        var before = Snapshot(target);
        Apply(target, input);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", TargetEntity, Id(id), $"Changed notification target {target.Name}", before, Snapshot(target)));
        await db.SaveChangesAsync(ct);
        return Result<NotificationTargetView>.Ok(NotificationTargetView.Of(target));
    }

    public async Task<Result<bool>> DeleteTargetAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.NotificationTargets.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return Result<bool>.NotFound($"Notification target {id} does not exist.");
        }
        db.NotificationTargets.Remove(target);
        // Rules naming only this target would otherwise fall back to "all targets".
        foreach (var rule in await db.NotificationRules.ToListAsync(ct))
        {
            if (rule.TargetIds.Contains(id))
            {
                rule.TargetIds = rule.TargetIds.Where(t => t != id).ToList();
                rule.Enabled &= rule.TargetIds.Count > 0;
            }
        }
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", TargetEntity, Id(id), $"Deleted notification target {target.Name}", Snapshot(target), null));
        await db.SaveChangesAsync(ct);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<TestSendResult>> SendTestAsync(int id, string actor, CancellationToken ct)
    {
        NotificationTarget? target;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            target = await db.NotificationTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        }
        if (target is null)
        {
            return Result<TestSendResult>.NotFound($"Notification target {id} does not exist.");
        }
        var e = new OperationalEvent(OperationalEventKind.TaskSucceeded, EventSeverity.Info, $"Test message from DrPortal to {target.Name}",
            clock.UtcNow.UtcDateTime, $"Sent by {actor} with \"Send test\" on the Notifications page.");
        var message = await renderer.RenderAsync(e, ct);
        var (delivered, answer) = await sender.TrySendOnceAsync(target, message, ct);
        return Result<TestSendResult>.Ok(new TestSendResult(delivered, answer));
    }

    public async Task<IReadOnlyList<NotificationRule>> ListRulesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.NotificationRules.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
    }

    public async Task<Result<NotificationRule>> CreateRuleAsync(NotificationRuleInput input, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var errors = input.Validate(await db.NotificationTargets.Select(t => t.Id).ToListAsync(ct));
        if (!errors.IsEmpty)
        {
            return Result<NotificationRule>.Invalid(errors);
        }
        var rule = new NotificationRule { CreatedAt = clock.UtcNow };
        Apply(rule, input);
        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(ct);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", RuleEntity, Id(rule.Id), $"Added notification rule {rule.Name}", null, rule));
        await db.SaveChangesAsync(ct);
        return Result<NotificationRule>.Ok(rule);
    }

    public async Task<Result<NotificationRule>> UpdateRuleAsync(int id, NotificationRuleInput input, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<NotificationRule>.NotFound($"Notification rule {id} does not exist.");
        }
        var errors = input.Validate(await db.NotificationTargets.Select(t => t.Id).ToListAsync(ct));
        if (!errors.IsEmpty)
        {
            return Result<NotificationRule>.Invalid(errors);
        }
        var before = new { rule.Name, rule.Kinds, rule.MinSeverity, rule.PairIds, rule.HostIds, rule.TargetIds, rule.Mode, rule.DigestHour, rule.Enabled };
        Apply(rule, input);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", RuleEntity, Id(id), $"Changed notification rule {rule.Name}", before, rule));
        await db.SaveChangesAsync(ct);
        return Result<NotificationRule>.Ok(rule);
    }

    public async Task<Result<bool>> DeleteRuleAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Result<bool>.NotFound($"Notification rule {id} does not exist.");
        }
        db.NotificationRules.Remove(rule);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", RuleEntity, Id(id), $"Deleted notification rule {rule.Name}", rule, null));
        await db.SaveChangesAsync(ct);
        return Result<bool>.Ok(true);
    }

    public async Task<IReadOnlyList<NotificationDelivery>> ListDeliveriesAsync(int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.NotificationDeliveries.AsNoTracking().OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    private void Apply(NotificationTarget target, NotificationTargetInput input)
    {
        target.Name = input.Name!.Trim();
        target.Kind = input.Kind;
        target.Enabled = input.Enabled;
        target.UpdatedAt = clock.UtcNow;
        if (input.Kind == NotificationTargetKind.Email)
        {
            target.SmtpHost = input.SmtpHost!.Trim();
            target.SmtpPort = input.SmtpPort!.Value;
            target.SmtpSecurity = input.SmtpSecurity;
            target.SmtpUser = string.IsNullOrWhiteSpace(input.SmtpUser) ? null : input.SmtpUser.Trim();
            if (input.SmtpPassword is { } password)
            {
                target.SmtpPasswordProtected = password.Length == 0 ? null : secrets.Protect(password);
            }
            target.From = input.From!.Trim();
            target.To = input.To!.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList();
            target.Url = null;
            target.Headers = [];
            target.BodyTemplate = null;
            target.Preset = null;
            return;
        }
        target.Method = input.Method!.Trim().ToUpperInvariant();
        target.Url = input.Url!.Trim();
        target.Preset = WebhookPreset.Find(input.Preset)?.Id;
        target.BodyTemplate = string.IsNullOrWhiteSpace(input.BodyTemplate) ? null : input.BodyTemplate;
        var kept = target.Headers;
        target.Headers = (input.Headers ?? []).Select(h => new WebhookHeader(h.Name!.Trim(),
            h.Value is { } value ? secrets.Protect(value)
                : kept.First(k => string.Equals(k.Name, h.Name!.Trim(), StringComparison.OrdinalIgnoreCase)).Value)).ToList();
        target.SmtpHost = null;
        target.SmtpPasswordProtected = null;
        target.SmtpUser = null;
        target.From = null;
        target.To = [];
    }

    private static void Apply(NotificationRule rule, NotificationRuleInput input)
    {
        rule.Name = input.Name!.Trim();
        rule.Kinds = input.Kinds!.Distinct().ToList();
        rule.MinSeverity = input.MinSeverity;
        rule.PairIds = (input.PairIds ?? []).Distinct().ToList();
        rule.HostIds = (input.HostIds ?? []).Distinct().ToList();
        rule.TargetIds = (input.TargetIds ?? []).Distinct().ToList();
        rule.Mode = input.Mode;
        rule.DigestHour = input.DigestHour;
        rule.Enabled = input.Enabled;
    }

    /// <summary>What the audit log keeps of a target: everything but its secrets, which it names as set or not.</summary>
    private static object Snapshot(NotificationTarget t) => new
    {
        t.Name,
        Kind = t.Kind.ToString(),
        t.Enabled,
        Where = t.Where,
        t.SmtpUser,
        SmtpPassword = t.SmtpPasswordProtected is null ? "not set" : "set",
        Headers = t.Headers.Select(h => h.Name).ToList(),
    };

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
