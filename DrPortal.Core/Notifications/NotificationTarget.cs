namespace DrPortal.Core.Notifications;

/// <summary>
/// Where notifications go: a mailbox list over SMTP, or a webhook (Gotify, ntfy, Slack/Mattermost-compatible, any
/// HTTP endpoint). Secrets (the SMTP password, header values) are held encrypted; this entity never carries them in clear.
/// </summary>
public sealed class NotificationTarget
{
    public const int NameMaxLength = 100;
    public const int BodyTemplateMaxLength = 4000;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public NotificationTargetKind Kind { get; set; }
    public bool Enabled { get; set; } = true;

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; }
    public SmtpSecurity SmtpSecurity { get; set; }
    public string? SmtpUser { get; set; }

    /// <summary>The SMTP password, encrypted with Data Protection; null when none is set.</summary>
    public string? SmtpPasswordProtected { get; set; }

    public string? From { get; set; }
    public List<string> To { get; set; } = [];

    /// <summary>The preset the webhook was made from ("gotify", "ntfy", "slack"), or null for a custom one.</summary>
    public string? Preset { get; set; }

    public string Method { get; set; } = "POST";
    public string? Url { get; set; }

    /// <summary>Headers with their values encrypted with Data Protection.</summary>
    public List<WebhookHeader> Headers { get; set; } = [];

    /// <summary>The body with <c>{{field}}</c> placeholders (see <see cref="NotificationTemplate"/>).</summary>
    public string? BodyTemplate { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>"smtp.example.org:587 → ops@example.org" or the webhook's address, for lists.</summary>
    public string Where => Kind == NotificationTargetKind.Email
        ? $"{SmtpHost}:{SmtpPort} → {string.Join(", ", To)}"
        : $"{Method} {Url}";
}
