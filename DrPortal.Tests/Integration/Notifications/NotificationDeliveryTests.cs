using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DrPortal.Core.Notifications;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Jobs;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration.Notifications;

/// <summary>
/// Notifications end to end against real servers on loopback: an HTTP receiver, Debian's aiosmtpd, a port that refuses
/// connections, and MariaDB. Each test makes its own target and a rule for it alone, so the tests do not hear each other.
/// </summary>
public class NotificationDeliveryTests : IClassFixture<NotificationPortal>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly NotificationPortal _portal;

    public NotificationDeliveryTests(NotificationPortal portal) => _portal = portal;

    private IDbContextFactory<DrPortalDbContext> Contexts => _portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>();

    [Fact]
    public async Task FinishAsync_FailedTask_WebhookGetsRenderedJsonTemplateAndTokenHeader()
    {
        using var receiver = new WebhookReceiver();
        using var admin = await _portal.CreateAdminClientAsync();
        var target = await CreateTargetAsync(admin, new NotificationTargetInput($"hook-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Webhook, Url: receiver.Url,
            Headers: [new WebhookHeaderInput("X-Token", "tok-webhook-secret")],
            BodyTemplate: """{"text": "{{summary}}", "reason": "{{reason}}", "link": "{{link}}", "details": "{{details}}", "kind": "{{kind}}"}"""));
        await CreateRuleForAsync(admin, target.Id, OperationalEventKind.TaskFailed);
        var taskId = await FailedTaskAsync("vzdump exited 1: \"disk full\" on /var/lib/vz", "INFO: starting backup\nERROR: write failed: No space left on device");

        var task = await _portal.Services.GetRequiredService<TaskOutcomes>().FinishAsync(taskId, DrTaskStatus.Running, CancellationToken.None);

        var request = await receiver.NextAsync(Within);
        Assert.Equal(DrTaskStatus.Failed, task!.Status);
        Assert.Equal("POST", request.Method);
        Assert.Equal("tok-webhook-secret", request.Headers["X-Token"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("Backup of lab-a/100 → lab-b/9100 failed at Backup", json.RootElement.GetProperty("text").GetString());
        Assert.Equal("vzdump exited 1: \"disk full\" on /var/lib/vz", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal($"{NotificationPortal.PublicBaseUrl}/tasks/{taskId}", json.RootElement.GetProperty("link").GetString());
        Assert.Equal("INFO: starting backup\nERROR: write failed: No space left on device", json.RootElement.GetProperty("details").GetString());
        Assert.Equal("TaskFailed", json.RootElement.GetProperty("kind").GetString());
        var delivery = await WaitForDeliveryAsync(target.Id, d => d.Outcome == DeliveryOutcome.Sent);
        Assert.Equal(1, delivery.Attempts);
    }

    [Fact]
    public async Task FinishAsync_FailedTask_SmtpServerReceivesMailWithSubjectReasonOutputAndLink()
    {
        await using var smtp = await SmtpServer.StartAsync();
        using var admin = await _portal.CreateAdminClientAsync();
        var target = await CreateTargetAsync(admin, new NotificationTargetInput($"mail-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Email,
            SmtpHost: "127.0.0.1", SmtpPort: smtp.Port, SmtpSecurity: SmtpSecurity.None, From: "drportal@example.org", To: ["ops@example.org", "oncall@example.org"]));
        await CreateRuleForAsync(admin, target.Id, OperationalEventKind.TaskFailed);
        var taskId = await FailedTaskAsync("qmrestore failed: storage 'local-lvm' does not exist", "restore vma archive\nerror: storage 'local-lvm' does not exist");

        await _portal.Services.GetRequiredService<TaskOutcomes>().FinishAsync(taskId, DrTaskStatus.Running, CancellationToken.None);

        var mail = await smtp.NextMessageAsync(Within);
        Assert.Equal("[DrPortal] FAILED: Backup of lab-a/100 → lab-b/9100 failed at Backup", mail.Subject);
        Assert.Equal(["ops@example.org", "oncall@example.org"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("drportal@example.org", mail.From.Mailboxes.Single().Address);
        var body = mail.TextBody;
        Assert.Contains("Reason: qmrestore failed: storage 'local-lvm' does not exist", body, StringComparison.Ordinal);
        Assert.Contains("  error: storage 'local-lvm' does not exist", body, StringComparison.Ordinal);
        Assert.Contains($"Open: {NotificationPortal.PublicBaseUrl}/tasks/{taskId}", body, StringComparison.Ordinal);
        await WaitForDeliveryAsync(target.Id, d => d.Outcome == DeliveryOutcome.Sent);
    }

    [Fact]
    public async Task FinishAsync_TargetRefusesConnections_TaskEndsAtOnceAndDeliveryIsRetried()
    {
        var closedPort = FreePort.Next();
        using var admin = await _portal.CreateAdminClientAsync();
        var target = await CreateTargetAsync(admin, new NotificationTargetInput($"dead-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Webhook,
            Url: $"http://127.0.0.1:{closedPort}/hook", BodyTemplate: "{{message}}"));
        await CreateRuleForAsync(admin, target.Id, OperationalEventKind.TaskFailed);
        var taskId = await FailedTaskAsync("rsync: connection unexpectedly closed", "rsync error: error in rsync protocol data stream (code 12)");

        var clock = Stopwatch.StartNew();
        await _portal.Services.GetRequiredService<TaskOutcomes>().FinishAsync(taskId, DrTaskStatus.Running, CancellationToken.None);
        var finishedAfter = clock.Elapsed;
        var attemptsWhenFinished = (await DeliveriesAsync(target.Id)).Sum(d => d.Attempts);

        var retried = await WaitForDeliveryAsync(target.Id, d => d.Attempts >= 3);
        // The task's end did not wait for the dead target: no retry had happened when FinishAsync returned.
        Assert.True(attemptsWhenFinished <= 1, $"{attemptsWhenFinished} attempts had been made when FinishAsync returned after {finishedAfter}.");
        Assert.True(clock.Elapsed > finishedAfter);
        Assert.Equal(DeliveryOutcome.Pending, retried.Outcome);
        Assert.Contains("refused", retried.LastError, StringComparison.OrdinalIgnoreCase);
        Assert.True(retried.NextAttemptAt > retried.LastAttemptAt, "The next attempt is scheduled after the last one (back-off).");
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "Task" && a.EntityId == taskId.ToString() && a.Action == "failed"));
    }

    [Fact]
    public async Task CreateTarget_WithSecrets_SecretsAreNotInClearInTheDatabaseNorReturned()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        const string Password = "smtp-pw-Zq81xw";
        const string Token = "gotify-tok-Pp29vn";
        var mail = await CreateTargetAsync(admin, new NotificationTargetInput($"sec-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Email,
            SmtpHost: "smtp.example.org", SmtpPort: 587, SmtpUser: "drportal", SmtpPassword: Password, From: "drportal@example.org", To: ["ops@example.org"]));
        var hook = await CreateTargetAsync(admin, new NotificationTargetInput($"sec-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Webhook, Preset: "gotify",
            Url: "https://gotify.example.org/message", Headers: [new WebhookHeaderInput("X-Gotify-Key", Token)], BodyTemplate: WebhookPreset.Gotify.BodyTemplate));

        var listed = await admin.GetStringAsync("/api/v1/notifications/targets");
        await using var db = await Contexts.CreateDbContextAsync();
        var rows = await db.Database.SqlQueryRaw<string>(
            "SELECT CONCAT_WS('|', Name, COALESCE(SmtpPasswordProtected, ''), Headers) AS Value FROM NotificationTargets WHERE Id IN ({0}, {1})", mail.Id, hook.Id).ToListAsync();
        var audit = string.Join("|", await db.AuditEntries.Where(a => a.EntityType == "NotificationTarget").Select(a => a.Summary + a.After).ToListAsync());

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain(Password, r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.DoesNotContain(Token, r, StringComparison.Ordinal));
        Assert.DoesNotContain(Password, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, audit, StringComparison.Ordinal);
        Assert.True(mail.SmtpPasswordSet);
        Assert.True(Assert.Single(hook.Headers).ValueSet);
        var stored = await db.NotificationTargets.AsNoTracking().SingleAsync(t => t.Id == hook.Id);
        Assert.Equal(Token, _portal.Services.GetRequiredService<Infrastructure.Notifications.NotificationSecrets>().Unprotect(stored.Headers[0].Value));
    }

    [Fact]
    public async Task CreateTarget_BadUrl_ProblemNamesUrlAndNothingIsStored()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        var name = $"bad-{Guid.NewGuid():N}"[..16];

        var response = await admin.PostAsJsonAsync("/api/v1/notifications/targets",
            new NotificationTargetInput(name, NotificationTargetKind.Webhook, Url: "ftp://files.example.org/x"), Json.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("http", problem.RootElement.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.False(await db.NotificationTargets.AnyAsync(t => t.Name == name));
    }

    [Fact]
    public async Task SendTest_ReachableWebhook_ReportsDeliveredAndReceiverGetsTheTestMessage()
    {
        using var receiver = new WebhookReceiver();
        using var admin = await _portal.CreateAdminClientAsync();
        var target = await CreateTargetAsync(admin, new NotificationTargetInput($"test-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Webhook, Preset: "slack",
            Url: receiver.Url, BodyTemplate: WebhookPreset.Slack.BodyTemplate));

        var response = await admin.PostAsync($"/api/v1/notifications/targets/{target.Id}/test", null);

        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<TestSendResult>(Json.Options))!;
        Assert.True(result.Delivered, result.Message);
        Assert.Equal("HTTP 200 OK", result.Message);
        var request = await receiver.NextAsync(Within);
        using var json = JsonDocument.Parse(request.Body);
        Assert.StartsWith($"*Info: Test message from DrPortal to {target.Name}*\n", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTarget_FirstTarget_SeedsTheDefaultRuleForFailuresAndBreaches()
    {
        using var admin = await _portal.CreateAdminClientAsync();
        await CreateTargetAsync(admin, new NotificationTargetInput($"first-{Guid.NewGuid():N}"[..16], NotificationTargetKind.Webhook, Url: "https://hooks.example.org/x"));

        var rules = (await admin.GetFromJsonAsync<List<NotificationRule>>("/api/v1/notifications/rules", Json.Options))!;

        var seeded = rules.OrderBy(r => r.Id).First();
        Assert.Equal(NotificationRule.DefaultKinds, seeded.Kinds);
        Assert.Empty(seeded.TargetIds);
        Assert.Equal(DeliveryMode.Immediate, seeded.Mode);
    }

    private static async Task<NotificationTargetView> CreateTargetAsync(HttpClient admin, NotificationTargetInput input)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/notifications/targets", input, Json.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<NotificationTargetView>(Json.Options))!;
    }

    /// <summary>
    /// A rule for this target alone, and the seeded default rule switched off, so other tests' events stay with their
    /// own targets.
    /// </summary>
    private async Task CreateRuleForAsync(HttpClient admin, int targetId, OperationalEventKind kind)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/notifications/rules", new NotificationRuleInput($"only-{targetId}", [kind], TargetIds: [targetId]), Json.Options);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await using var db = await Contexts.CreateDbContextAsync();
        await db.NotificationRules.Where(r => r.Name == "Failures and breaches").ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, false));
    }

    /// <summary>A Backup task row that has just failed, as the runner leaves it before FinishAsync.</summary>
    private async Task<long> FailedTaskAsync(string error, string output)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var task = new DrTask
        {
            Kind = DrTaskKind.Backup,
            PairLabel = "lab-a/100 → lab-b/9100",
            Status = DrTaskStatus.Failed,
            CurrentStage = StageName.Backup,
            RequestedBy = PortalFactory.AdminName,
            CreatedAt = now.AddMinutes(-1),
            StartedAt = now.AddMinutes(-1),
            FinishedAt = now,
            Error = error,
            ErrorOutput = output,
        };
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        return task.Id;
    }

    private async Task<List<NotificationDelivery>> DeliveriesAsync(int targetId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.NotificationDeliveries.AsNoTracking().Where(d => d.TargetId == targetId).ToListAsync();
    }

    private async Task<NotificationDelivery> WaitForDeliveryAsync(int targetId, Func<NotificationDelivery, bool> done)
    {
        var deadline = DateTime.UtcNow + Within;
        while (DateTime.UtcNow < deadline)
        {
            if ((await DeliveriesAsync(targetId)).FirstOrDefault(done) is { } found)
            {
                return found;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No delivery to target {targetId} reached the expected state: {JsonSerializer.Serialize(await DeliveriesAsync(targetId))}");
    }
}
