namespace DrPortal.Core.Notifications;

/// <summary>A starting point for a webhook target: method, an example URL, the header its service wants, and a body.</summary>
/// <param name="Id">"gotify", "ntfy", "slack".</param>
/// <param name="Name">As shown in the dialog.</param>
/// <param name="UrlExample">The URL shape, with the parts to replace in capitals.</param>
/// <param name="HeaderName">The header that carries the token, if the service uses one.</param>
/// <param name="BodyTemplate">The body, with <c>{{field}}</c> placeholders.</param>
public sealed record WebhookPreset(string Id, string Name, string UrlExample, string? HeaderName, string BodyTemplate)
{
    public static readonly WebhookPreset Gotify = new("gotify", "Gotify", "https://gotify.example.org/message", "X-Gotify-Key",
        """{"title": "{{title}}", "message": "{{message}}", "priority": {{priority}}}""");

    public static readonly WebhookPreset Ntfy = new("ntfy", "ntfy", "https://ntfy.example.org/", "Authorization",
        """{"topic": "drportal", "title": "{{title}}", "message": "{{message}}", "priority": {{priority}}, "click": "{{link}}"}""");

    public static readonly WebhookPreset Slack = new("slack", "Slack / Mattermost", "https://chat.example.org/hooks/KEY", null,
        """{"text": "*{{title}}*\n{{message}}"}""");

    public static readonly IReadOnlyList<WebhookPreset> All = [Gotify, Ntfy, Slack];

    public static WebhookPreset? Find(string? id) => All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
}
