using DrPortal.Core.Common;

namespace DrPortal.Core.Notifications;

/// <summary>A target as the admin sends it. Null secrets keep what is stored; an empty SMTP password removes it.</summary>
public sealed record NotificationTargetInput(
    string? Name,
    NotificationTargetKind Kind,
    bool Enabled = true,
    string? SmtpHost = null,
    int? SmtpPort = null,
    SmtpSecurity SmtpSecurity = SmtpSecurity.StartTls,
    string? SmtpUser = null,
    string? SmtpPassword = null,
    string? From = null,
    IReadOnlyList<string>? To = null,
    string? Preset = null,
    string? Method = "POST",
    string? Url = null,
    IReadOnlyList<WebhookHeaderInput>? Headers = null,
    string? BodyTemplate = null)
{
    public static readonly IReadOnlyList<string> Methods = ["POST", "PUT", "PATCH", "GET"];

    /// <summary>Field-named errors; <paramref name="existing"/> is the stored target when editing (its secrets may be kept).</summary>
    public ValidationErrors Validate(NotificationTarget? existing)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add(nameof(Name), "Name is required.");
        }
        else if (Name.Trim().Length > NotificationTarget.NameMaxLength || TextRules.HasControlCharacters(Name))
        {
            errors.Add(nameof(Name), $"Name must be at most {NotificationTarget.NameMaxLength} characters, without control characters.");
        }
        if (!Enum.IsDefined(Kind))
        {
            errors.Add(nameof(Kind), "Kind must be Email or Webhook.");
        }
        else if (Kind == NotificationTargetKind.Email)
        {
            ValidateEmail(errors);
        }
        else
        {
            ValidateWebhook(errors, existing);
        }
        return errors;
    }

    private void ValidateEmail(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(SmtpHost) || SmtpHost.Trim().Length > 253 || Uri.CheckHostName(SmtpHost.Trim()) == UriHostNameType.Unknown)
        {
            errors.Add(nameof(SmtpHost), "SMTP host must be a host name or an IP address, such as smtp.example.org.");
        }
        if (SmtpPort is not (>= 1 and <= 65535))
        {
            errors.Add(nameof(SmtpPort), "SMTP port must be between 1 and 65535 (587 for STARTTLS, 465 for TLS, 25 for none).");
        }
        if (!Enum.IsDefined(SmtpSecurity))
        {
            errors.Add(nameof(SmtpSecurity), "SMTP security must be None, StartTls or Tls.");
        }
        if (SmtpUser is { Length: > 200 } || (SmtpUser is not null && TextRules.HasControlCharacters(SmtpUser)))
        {
            errors.Add(nameof(SmtpUser), "SMTP user must be at most 200 characters, without control characters.");
        }
        if (SmtpPassword is { Length: > 500 })
        {
            errors.Add(nameof(SmtpPassword), "SMTP password must be at most 500 characters.");
        }
        if (!IsMailbox(From))
        {
            errors.Add(nameof(From), "From must be one email address, such as drportal@example.org.");
        }
        var to = (To ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
        if (to.Count == 0)
        {
            errors.Add(nameof(To), "To needs at least one email address.");
        }
        else if (to.Count > 50)
        {
            errors.Add(nameof(To), "To may hold at most 50 addresses.");
        }
        else if (to.FirstOrDefault(a => !IsMailbox(a)) is { } bad)
        {
            errors.Add(nameof(To), $"'{bad}' in To is not an email address.");
        }
    }

    private void ValidateWebhook(ValidationErrors errors, NotificationTarget? existing)
    {
        if (Method is null || !Methods.Contains(Method.Trim().ToUpperInvariant()))
        {
            errors.Add(nameof(Method), $"Method must be one of {string.Join(", ", Methods)}.");
        }
        if (!Uri.TryCreate(Url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || Url!.Trim().Length > 1000)
        {
            errors.Add(nameof(Url), "URL must be an absolute http:// or https:// address, such as https://ntfy.example.org/.");
        }
        if (Preset is not null && WebhookPreset.Find(Preset) is null)
        {
            errors.Add(nameof(Preset), $"Preset must be one of {string.Join(", ", WebhookPreset.All.Select(p => p.Id))}, or empty.");
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in Headers ?? [])
        {
            var name = header.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(IsTokenChar))
            {
                errors.Add(nameof(Headers), $"Header name '{header.Name}' is not valid: letters, digits and - only.");
            }
            else if (!names.Add(name))
            {
                errors.Add(nameof(Headers), $"Header '{name}' is given twice.");
            }
            else if (header.Value is null && existing?.Headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) != true)
            {
                errors.Add(nameof(Headers), $"Header '{name}' needs a value.");
            }
            else if (header.Value is { } value && (value.Length > 2000 || value.Any(c => c is '\r' or '\n' || char.IsControl(c))))
            {
                errors.Add(nameof(Headers), $"The value of header '{name}' must be one line of at most 2000 characters.");
            }
        }
        if (BodyTemplate is { Length: > NotificationTarget.BodyTemplateMaxLength })
        {
            errors.Add(nameof(BodyTemplate), $"Body template must be at most {NotificationTarget.BodyTemplateMaxLength} characters.");
        }
        else if (BodyTemplate is not null && NotificationTemplate.UnknownFields(BodyTemplate) is { Count: > 0 } unknown)
        {
            errors.Add(nameof(BodyTemplate), $"Body template names unknown field(s) {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}; known: {string.Join(", ", NotificationTemplate.Fields)}.");
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static bool IsMailbox(string? address) =>
        !string.IsNullOrWhiteSpace(address) && address.Trim().Length <= 254 && !address.Any(char.IsControl)
        && System.Net.Mail.MailAddress.TryCreate(address.Trim(), out var parsed) && parsed.Address == address.Trim()
        && (parsed.Host.Contains('.', StringComparison.Ordinal) || parsed.Host == "localhost");
}
