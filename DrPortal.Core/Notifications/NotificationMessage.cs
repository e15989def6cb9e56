using System.Globalization;
using System.Text;
using DrPortal.Core.Reports;

namespace DrPortal.Core.Notifications;

/// <summary>
/// What a target sends: a subject, a plain-text body, and the fields a webhook template fills in. Says what happened,
/// to which VM, where, why, the last lines of output, and links to the task page.
/// </summary>
/// <param name="Subject">The mail subject and the title of a webhook message.</param>
/// <param name="Body">The plain-text body.</param>
/// <param name="Fields">The template fields (<see cref="NotificationTemplate.Fields"/>).</param>
/// <param name="Html">An HTML body a mail carries beside the text one (the readiness digest's table); null for text only.</param>
public sealed record NotificationMessage(string Subject, string Body, IReadOnlyDictionary<string, string> Fields, string? Html = null)
{
    private const int DetailLines = 15;

    /// <summary>The message of one event.</summary>
    /// <param name="pair">The pair's label, when the event names a pair.</param>
    /// <param name="host">The host's name, when the event names a host.</param>
    /// <param name="link">The task page (or the portal) when a public base URL is configured.</param>
    public static NotificationMessage For(OperationalEvent e, string? pair, string? host, string? link)
    {
        var title = $"{Label(e.Severity)}: {e.Summary}";
        var details = e.Details is { Count: > 0 } d ? d.TakeLast(DetailLines).ToList() : [];
        var body = new StringBuilder();
        body.AppendLine(e.Summary).AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"What:   {e.Kind} ({e.Severity})");
        body.AppendLine(CultureInfo.InvariantCulture, $"When:   {When(e.OccurredAt)}");
        if (pair is not null)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"Pair:   {pair}");
        }
        if (host is not null)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"Host:   {host}");
        }
        if (e.Reason is not null)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"Reason: {e.Reason}");
        }
        if (details.Count > 0)
        {
            body.AppendLine().AppendLine("Last lines of output:");
            foreach (var line in details)
            {
                body.Append("  ").AppendLine(line);
            }
        }
        if (link is not null)
        {
            body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Open: {link}");
        }
        var text = body.ToString().TrimEnd();
        return new NotificationMessage($"[DrPortal] {title}", text, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["summary"] = e.Summary,
            ["message"] = text,
            ["kind"] = e.Kind.ToString(),
            ["severity"] = e.Severity.ToString(),
            ["priority"] = Priority(e.Severity).ToString(CultureInfo.InvariantCulture),
            ["reason"] = e.Reason ?? "",
            ["pair"] = pair ?? "",
            ["host"] = host ?? "",
            ["link"] = link ?? "",
            ["details"] = NotificationTemplate.Lines(details),
            ["occurredAt"] = e.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>One message listing a day's events, newest last, each with its own link.</summary>
    public static NotificationMessage Digest(IReadOnlyList<(NotificationMessage Message, OperationalEvent Event)> items, string? portalLink)
    {
        var worst = items.Count == 0 ? EventSeverity.Info : items.Max(i => i.Event.Severity);
        var title = $"Daily digest: {items.Count} event(s)";
        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"{items.Count} event(s) since the last digest:").AppendLine();
        foreach (var (message, e) in items.OrderBy(i => i.Event.OccurredAt))
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"- {When(e.OccurredAt)}  {e.Severity,-7}  {e.Summary}");
            if (e.Reason is not null)
            {
                body.AppendLine(CultureInfo.InvariantCulture, $"    Reason: {e.Reason}");
            }
            if (message.Fields["link"] is { Length: > 0 } link)
            {
                body.AppendLine(CultureInfo.InvariantCulture, $"    {link}");
            }
        }
        var text = body.ToString().TrimEnd();
        return new NotificationMessage($"[DrPortal] {title}", text, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["summary"] = title,
            ["message"] = text,
            ["kind"] = "Digest",
            ["severity"] = worst.ToString(),
            ["priority"] = Priority(worst).ToString(CultureInfo.InvariantCulture),
            ["reason"] = "",
            ["pair"] = "",
            ["host"] = "",
            ["link"] = portalLink ?? "",
            ["details"] = "",
            ["occurredAt"] = items.Count == 0 ? "" : items.Max(i => i.Event.OccurredAt).ToString("O", CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The weekly readiness digest: the report as text (what a webhook's template gets) and as HTML for mail.</summary>
    public static NotificationMessage Readiness(ReadinessReport report, string? reportLink)
    {
        ArgumentNullException.ThrowIfNull(report);
        var title = ReadinessDigest.Subject(report);
        var text = ReadinessDigest.RenderText(report).TrimEnd();
        var html = ReadinessDigest.RenderHtml(report);
        if (reportLink is not null)
        {
            text += $"\n\nOpen: {reportLink}";
            html += $"<p><a href=\"{System.Net.WebUtility.HtmlEncode(reportLink)}\">Open the readiness report</a></p>";
        }
        var worst = report.Rows.Any(r => r.RpoStatus == Pairs.RpoStatus.Breached) ? EventSeverity.Warning : EventSeverity.Info;
        return new NotificationMessage($"[DrPortal] {title}", text, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["title"] = title,
            ["summary"] = title,
            ["message"] = text,
            ["kind"] = "ReadinessDigest",
            ["severity"] = worst.ToString(),
            ["priority"] = Priority(worst).ToString(CultureInfo.InvariantCulture),
            ["reason"] = "",
            ["pair"] = "",
            ["host"] = "",
            ["link"] = reportLink ?? "",
            ["details"] = "",
            ["occurredAt"] = report.GeneratedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        }, html);
    }

    /// <summary>1 (least) to 5 (urgent), as ntfy counts; Gotify reads the same number.</summary>
    public static int Priority(EventSeverity severity) => severity switch
    {
        EventSeverity.Error => 5,
        EventSeverity.Warning => 4,
        _ => 3,
    };

    private static string Label(EventSeverity severity) => severity switch
    {
        EventSeverity.Error => "FAILED",
        EventSeverity.Warning => "Warning",
        _ => "Info",
    };

    private static string When(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
