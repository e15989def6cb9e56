using DrPortal.Core.Notifications;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Notifications;

/// <summary>Adds or edits a target; presets fill a webhook's URL shape, token header and body. Secrets are write-only.</summary>
public partial class TargetDialog
{
    private const string Custom = "custom";
    private static readonly string[] Shown = ["name", "smtpHost", "smtpPort", "smtpUser", "smtpPassword", "from", "to", "url", "headers", "bodyTemplate"];
    private static readonly string FieldsHelp = "Fields: " + string.Join(" ", NotificationTemplate.Fields.Select(f => "{{" + f + "}}")) + ". JSON templates get JSON-escaped values.";

    private readonly FormErrors _errors = new();
    private string? _name;
    private NotificationTargetKind _kind = NotificationTargetKind.Webhook;
    private bool _enabled = true;
    private string? _smtpHost;
    private int? _smtpPort = 587;
    private SmtpSecurity _smtpSecurity = SmtpSecurity.StartTls;
    private string? _smtpUser;
    private string? _smtpPassword;
    private string? _from;
    private string? _to;
    private string? _preset = Custom;
    private string _method = "POST";
    private string? _url;
    private List<HeaderRow> _headers = [];
    private string? _body;
    private string? _failure;
    private TestSendResult? _test;
    private bool _busy;

    [Inject]
    private INotificationSettings Settings { get; set; } = default!;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The target to edit; null to add one.</summary>
    [Parameter]
    public NotificationTargetView? Target { get; set; }

    protected override Task LoadAsync()
    {
        if (Target is { } t)
        {
            (_name, _kind, _enabled) = (t.Name, t.Kind, t.Enabled);
            (_smtpHost, _smtpPort, _smtpSecurity, _smtpUser, _from, _to) = (t.SmtpHost, t.SmtpPort, t.SmtpSecurity, t.SmtpUser, t.From, string.Join(", ", t.To));
            (_preset, _method, _url, _body) = (t.Preset ?? Custom, t.Method, t.Url, t.BodyTemplate);
            _headers = t.Headers.Select(h => new HeaderRow { Name = h.Name, Stored = h.ValueSet }).ToList();
        }
        return Task.CompletedTask;
    }

    private void ApplyPreset(string? id)
    {
        _preset = id ?? Custom;
        if (WebhookPreset.Find(_preset) is not { } preset)
        {
            return;
        }
        _method = "POST";
        _body = preset.BodyTemplate;
        if (preset.HeaderName is { } header && !_headers.Any(h => string.Equals(h.Name, header, StringComparison.OrdinalIgnoreCase)))
        {
            _headers.Add(new HeaderRow { Name = header, Value = header == "Authorization" ? "Bearer " : null });
        }
    }

    internal NotificationTargetInput Input() => new(
        _name, _kind, _enabled,
        _smtpHost, _smtpPort, _smtpSecurity, _smtpUser,
        // An empty password box keeps the stored one; a new target simply has none.
        string.IsNullOrEmpty(_smtpPassword) ? null : _smtpPassword,
        _from,
        (_to ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _preset == Custom ? null : _preset,
        _method, _url,
        _headers.Where(h => !string.IsNullOrWhiteSpace(h.Name) || !string.IsNullOrEmpty(h.Value))
            .Select(h => new WebhookHeaderInput(h.Name, h.Stored && string.IsNullOrEmpty(h.Value) ? null : h.Value ?? "")).ToList(),
        _body);

    private async Task SaveAsync()
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        _failure = null;
        var input = Input();
        _failure = await SaveFormAsync("Saving the target", Dialog, _errors, () => Target is { } t
            ? Settings.UpdateTargetAsync(t.Id, input, User.ActorName(), Aborted)
            : Settings.CreateTargetAsync(input, User.ActorName(), Aborted));
        _busy = false;
    }

    private async Task TestAsync()
    {
        if (_busy || Target is null)
        {
            return;
        }
        _busy = true;
        _test = null;
        await GuardAsync("Sending a test", async () =>
        {
            var result = await Settings.SendTestAsync(Target.Id, User.ActorName(), Aborted);
            _test = result.Value ?? new TestSendResult(false, Display.Refusal(result));
        });
        _busy = false;
    }

    /// <summary>A header row being edited; <see cref="Stored"/> rows keep their secret when the value box stays empty.</summary>
    internal sealed class HeaderRow
    {
        public string? Name { get; set; }
        public string? Value { get; set; }
        public bool Stored { get; init; }
    }
}
