using System.Text.Json;
using DrPortal.Core.Notifications;

namespace DrPortal.Tests.Unit;

public class NotificationTemplateTests
{
    private static readonly OperationalEvent Failed = new(OperationalEventKind.TaskFailed, EventSeverity.Error, "Replicate of a/1 → b/2 failed at Push on b",
        new DateTime(2026, 12, 3, 2, 0, 0, DateTimeKind.Utc), "rsync said \"no\"\nand quit\t(code 12)", 4, 2, 99, ["line 1", "line \"2\""]);

    [Fact]
    public void Render_JsonTemplateWithQuotesAndLineBreaksInValues_StaysValidJson()
    {
        var message = NotificationMessage.For(Failed, "a/1 → b/2", "b", "https://p.example.org/tasks/99");

        var body = NotificationTemplate.Render("""{"reason": "{{reason}}", "details": "{{ details }}", "p": {{priority}}, "x": "{{unknown}}"}""", message.Fields);

        using var json = JsonDocument.Parse(body);
        Assert.Equal("rsync said \"no\"\nand quit\t(code 12)", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal("line 1\nline \"2\"", json.RootElement.GetProperty("details").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("p").GetInt32());
        Assert.Equal("", json.RootElement.GetProperty("x").GetString());
    }

    [Fact]
    public void Render_PlainTemplate_InsertsValuesAsTheyAre()
    {
        var message = NotificationMessage.For(Failed, "a/1 → b/2", "b", null);

        var body = NotificationTemplate.Render("{{pair}} on {{host}}: {{reason}}", message.Fields);

        Assert.Equal("a/1 → b/2 on b: rsync said \"no\"\nand quit\t(code 12)", body);
    }

    [Fact]
    public void For_FailedTask_BodySaysWhatWhereWhyOutputAndLink()
    {
        var message = NotificationMessage.For(Failed, "a/1 → b/2", "b", "https://p.example.org/tasks/99");

        Assert.Equal("[DrPortal] FAILED: Replicate of a/1 → b/2 failed at Push on b", message.Subject);
        Assert.Contains("Pair:   a/1 → b/2", message.Body, StringComparison.Ordinal);
        Assert.Contains("Host:   b", message.Body, StringComparison.Ordinal);
        Assert.Contains("Reason: rsync said", message.Body, StringComparison.Ordinal);
        Assert.Contains("  line \"2\"", message.Body, StringComparison.Ordinal);
        Assert.EndsWith("Open: https://p.example.org/tasks/99", message.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{summary}} {{nope}}", "nope")]
    [InlineData("{{ Summary }}", "Summary")]
    public void UnknownFields_MisspelledPlaceholder_IsNamed(string template, string expected) =>
        Assert.Equal([expected], NotificationTemplate.UnknownFields(template));

    [Fact]
    public void Matches_RuleForOtherPairOrHigherSeverity_DoesNotSelect()
    {
        var rule = new NotificationRule { Kinds = [OperationalEventKind.TaskFailed], PairIds = [4] };

        Assert.True(rule.Matches(Failed));
        Assert.False(new NotificationRule { Kinds = [OperationalEventKind.TaskFailed], PairIds = [5] }.Matches(Failed));
        Assert.False(new NotificationRule { Kinds = [OperationalEventKind.TaskFailed], HostIds = [7] }.Matches(Failed));
        Assert.False(new NotificationRule { Kinds = [OperationalEventKind.RpoBreached] }.Matches(Failed));
        Assert.False(new NotificationRule { Kinds = [OperationalEventKind.TaskFailed], Enabled = false }.Matches(Failed));
        Assert.False(new NotificationRule { Kinds = [OperationalEventKind.TaskSucceeded], MinSeverity = EventSeverity.Warning }
            .Matches(Failed with { Kind = OperationalEventKind.TaskSucceeded, Severity = EventSeverity.Info }));
    }

    [Fact]
    public void NextDigestAt_BeforeAndAfterTheHour_IsTodayOrTomorrow()
    {
        var rule = new NotificationRule { DigestHour = 7 };

        Assert.Equal(new DateTime(2026, 12, 3, 7, 0, 0), rule.NextDigestAt(new DateTime(2026, 12, 3, 6, 59, 0)));
        Assert.Equal(new DateTime(2026, 12, 4, 7, 0, 0), rule.NextDigestAt(new DateTime(2026, 12, 3, 7, 0, 0)));
    }

    [Fact]
    public void RetryDelay_EachFailure_DoublesUpToAnHour()
    {
        var first = TimeSpan.FromSeconds(30);

        Assert.Equal([30, 60, 120, 240], Enumerable.Range(1, 4).Select(a => NotificationDelivery.RetryDelay(a, first).TotalSeconds));
        Assert.Equal(TimeSpan.FromHours(1), NotificationDelivery.RetryDelay(20, first));
    }

    [Fact]
    public void Validate_EmailWithBadHostAndAddress_NamesEachField()
    {
        var errors = new NotificationTargetInput("m", NotificationTargetKind.Email, SmtpHost: "bad host!", SmtpPort: 0, From: "nobody", To: ["ops@example.org", "x y"]).Validate(null);

        Assert.True(errors.Has("SmtpHost"));
        Assert.True(errors.Has("SmtpPort"));
        Assert.True(errors.Has("From"));
        Assert.Contains("'x y'", errors.First("To"), StringComparison.Ordinal);
    }
}
