using System.Net.Http.Json;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Health;
using DrPortal.Infrastructure.Notifications;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static DrPortal.Tests.Integration.HypervisorsApiTests;
using static DrPortal.Tests.Integration.PairsApiTests;

namespace DrPortal.Tests.Integration.Notifications;

/// <summary>
/// The RPO monitor and the weekly readiness digest against MariaDB and Debian's aiosmtpd on loopback. Each test makes
/// its own hosts, pair and mail target, so the tests do not hear each other.
/// </summary>
public class RpoAndDigestTests(NotificationPortal portal) : IClassFixture<NotificationPortal>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private IDbContextFactory<DrPortalDbContext> Contexts => portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    [Fact]
    public async Task EvaluateAsync_PairBreachesThenRecovers_OneBreachMailNoneOnReevaluationOneRecoveredMail()
    {
        await using var smtp = await SmtpServer.StartAsync();
        using var admin = await portal.CreateAdminClientAsync();
        var target = await MailTargetAsync(admin, smtp);
        var pair = await PairWithRpoAsync(admin, "rpo", 30);
        var rule = await admin.PostAsJsonAsync("/api/v1/notifications/rules",
            new NotificationRuleInput($"rpo-{pair.Id}", [OperationalEventKind.RpoBreached, OperationalEventKind.RpoRecovered], PairIds: [pair.Id], TargetIds: [target.Id]), Json.Options);
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        var monitor = portal.Services.GetRequiredService<RpoMonitor>();

        // No restore point at all: breached. The background round may flip it first; either way one event is published.
        await monitor.EvaluateAsync(CancellationToken.None);
        var breached = Assert.Single(await smtp.MessagesAsync(1, Within));
        var again = await monitor.EvaluateAsync(CancellationToken.None);
        // A portal restarted, or a second node, starts from the row: it does not announce the breach again.
        var otherNode = ActivatorUtilities.CreateInstance<RpoMonitor>(portal.Services);
        var fromOtherNode = await otherNode.EvaluateAsync(CancellationToken.None);
        await new HistorySeed(portal).ArchiveAsync(pair, DateTimeOffset.UtcNow, HistorySeed.MiB);
        await monitor.EvaluateAsync(CancellationToken.None);
        var mails = await smtp.MessagesAsync(2, Within);

        Assert.Equal((0, 0), (again, fromOtherNode));
        var label = $"{pair.SourceHypervisorName}/{pair.SourceVm} → {pair.TargetHypervisorName}/{pair.TargetVm}";
        Assert.Equal($"[DrPortal] Warning: {label} breached its RPO of 30 min: no good restore point", breached.Subject);
        Assert.Contains("RPO 30 min; achieved none", breached.TextBody, StringComparison.Ordinal);
        Assert.Equal(2, mails.Count);
        Assert.StartsWith($"[DrPortal] Info: {label} is within its RPO of 30 min again: newest good restore point made", mails[1].Subject, StringComparison.Ordinal);
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Null(await db.VmPairs.Where(p => p.Id == pair.Id).Select(p => p.RpoBreachedAt).SingleAsync());
        Assert.Equal(2, await db.NotificationDeliveries.CountAsync(d => d.TargetId == target.Id));
    }

    [Fact]
    public async Task SendNowAsync_SavedDigest_MailListsPairsWithRpoTargetAndAchievedInTextAndHtml()
    {
        await using var smtp = await SmtpServer.StartAsync();
        using var admin = await portal.CreateAdminClientAsync();
        var target = await MailTargetAsync(admin, smtp);
        var pair = await PairWithRpoAsync(admin, "dig", 30);
        await new HistorySeed(portal).ArchiveAsync(pair, DateTimeOffset.UtcNow.AddHours(-2), HistorySeed.MiB);
        var digest = portal.Services.GetRequiredService<IReadinessDigestSettings>();

        var saved = await digest.UpdateAsync(new ReadinessDigestInput(true, DayOfWeek.Friday, "06:30", [target.Id]), "admin", CancellationToken.None);
        var sent = await digest.SendNowAsync("admin", CancellationToken.None);
        var mail = Assert.Single(await smtp.MessagesAsync(1, Within));

        Assert.True(saved.IsOk, saved.Message);
        var result = Assert.Single(sent.Value!);
        Assert.True(result.Delivered, result.Message);
        var label = $"{pair.SourceHypervisorName}/{pair.SourceVm} → {pair.TargetHypervisorName}/{pair.TargetVm}";
        Assert.StartsWith("[DrPortal] DR readiness ", mail.Subject, StringComparison.Ordinal);
        Assert.Contains(label, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("RPO: Breached: target 30 min, achieved 2 h", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{NotificationPortal.PublicBaseUrl}/reports/readiness", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(label)}</td><td>Breached: target 30 min, achieved 2 h</td>", mail.HtmlBody, StringComparison.Ordinal);
        using (var connection = portal.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            Assert.Equal("30 6 * * 5", connection.GetRecurringJobs().Single(j => j.Id == ReadinessDigestJob.RecurringId).Cron);
        }
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal(["update", "send"], await db.AuditEntries.Where(a => a.EntityType == "ReadinessDigest").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(DeliveryOutcome.Sent, (await db.NotificationDeliveries.SingleAsync(d => d.TargetId == target.Id)).Outcome);
    }

    [Fact]
    public async Task UpdateAsync_UnknownTarget_NamesTargetIdsAndChangesNothing()
    {
        var digest = portal.Services.GetRequiredService<IReadinessDigestSettings>();
        var before = await digest.GetAsync(CancellationToken.None);

        var result = await digest.UpdateAsync(new ReadinessDigestInput(true, DayOfWeek.Monday, "07:00", [987654]), "admin", CancellationToken.None);

        Assert.False(result.IsOk);
        Assert.Contains("Target 987654 does not exist", Assert.Single(result.Errors!.ToDictionary()["TargetIds"]), StringComparison.Ordinal);
        var after = await digest.GetAsync(CancellationToken.None);
        Assert.Equal((before.Enabled, before.Time, before.TargetIds.Count), (after.Enabled, after.Time, after.TargetIds.Count));
    }

    private async Task<VmPairDto> PairWithRpoAsync(HttpClient admin, string tag, int rpoMinutes)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var pair = await CreatePairAsync(admin, (await CreateHostAsync(admin, $"{tag}-dc-{suffix}")).Id, 100, (await CreateHostAsync(admin, $"{tag}-dr-{suffix}", "Recovery")).Id, 9100);
        await using var db = await Contexts.CreateDbContextAsync();
        await db.VmPairs.Where(p => p.Id == pair.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.RpoMinutes, rpoMinutes));
        return pair;
    }

    /// <summary>
    /// A mail target, and the seeded default rule switched off: it sends every breach to every target, and the other
    /// test's pair breaches too.
    /// </summary>
    private async Task<NotificationTargetView> MailTargetAsync(HttpClient admin, SmtpServer smtp)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/notifications/targets", new NotificationTargetInput($"mail-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Email,
            SmtpHost: "127.0.0.1", SmtpPort: smtp.Port, SmtpSecurity: SmtpSecurity.None, From: "drportal@example.org", To: ["ops@example.org"]), Json.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await using var db = await Contexts.CreateDbContextAsync();
        await db.NotificationRules.Where(r => r.Name == "Failures and breaches").ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, false));
        return (await response.Content.ReadFromJsonAsync<NotificationTargetView>(Json.Options))!;
    }
}
