namespace DrPortal.Core.Notifications;

/// <summary>A target as lists, dialogs and the API show it: secrets only as "set" or "not set".</summary>
public sealed record NotificationTargetView(
    int Id,
    string Name,
    NotificationTargetKind Kind,
    bool Enabled,
    string Where,
    string? SmtpHost,
    int SmtpPort,
    SmtpSecurity SmtpSecurity,
    string? SmtpUser,
    bool SmtpPasswordSet,
    string? From,
    IReadOnlyList<string> To,
    string? Preset,
    string Method,
    string? Url,
    IReadOnlyList<WebhookHeaderView> Headers,
    string? BodyTemplate)
{
    public static NotificationTargetView Of(NotificationTarget t) => new(t.Id, t.Name, t.Kind, t.Enabled, t.Where, t.SmtpHost, t.SmtpPort, t.SmtpSecurity,
        t.SmtpUser, t.SmtpPasswordProtected is not null, t.From, t.To, t.Preset, t.Method, t.Url,
        t.Headers.Select(h => new WebhookHeaderView(h.Name, h.Value.Length > 0)).ToList(), t.BodyTemplate);
}
