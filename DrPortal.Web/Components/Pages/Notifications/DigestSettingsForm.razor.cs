using DrPortal.Core.Notifications;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Notifications;

/// <summary>The weekly readiness digest's settings (on, day, time, targets) and its "Send digest now" button.</summary>
public partial class DigestSettingsForm
{
    private static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private readonly FormErrors _errors = new();
    private bool _enabled;
    private DayOfWeek _day = DayOfWeek.Monday;
    private string? _time = "07:00";
    private IEnumerable<int> _targetIds = [];
    private ReadinessDigestSettings? _saved;
    private bool _busy;

    [Inject]
    private IReadinessDigestSettings Digest { get; set; } = default!;

    [Parameter]
    public IReadOnlyList<NotificationTargetView> Targets { get; set; } = [];

    /// <summary>Raised after a send, so the page can show the new deliveries.</summary>
    [Parameter]
    public EventCallback Sent { get; set; }

    protected override async Task LoadAsync() => Show(await Digest.GetAsync(Aborted));

    private void Show(ReadinessDigestSettings s)
    {
        _saved = s;
        (_enabled, _day, _time, _targetIds) = (s.Enabled, s.Day, s.Time, s.TargetIds.ToList());
    }

    private string TargetName(string? id) => Targets.FirstOrDefault(t => t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id)?.Name ?? id ?? "";

    private async Task SaveAsync()
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        await GuardAsync("Saving the digest settings", async () =>
        {
            var result = await Digest.UpdateAsync(new ReadinessDigestInput(_enabled, _day, _time, _targetIds.ToList()), User.ActorName(), Aborted);
            _errors.Set(result.Errors);
            if (Report(result, "Digest settings saved.") && result.Value is { } saved)
            {
                Show(saved);
            }
        });
        _busy = false;
    }

    private async Task SendNowAsync()
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        await GuardAsync("Sending the digest", async () =>
        {
            var result = await Digest.SendNowAsync(User.ActorName(), Aborted);
            _errors.Set(result.Errors);
            if (result.Value is { } sent)
            {
                var delivered = sent.Count(r => r.Delivered);
                var failed = string.Join("; ", sent.Where(r => !r.Delivered).Select(r => $"{r.Target}: {r.Message}"));
                Snackbar.Add(failed.Length == 0 ? $"Digest delivered to {delivered} target(s)." : $"Digest delivered to {delivered} of {sent.Count}; {failed}",
                    failed.Length == 0 ? Severity.Success : Severity.Warning, o => o.RequireInteraction = failed.Length > 0);
                await Sent.InvokeAsync();
            }
            else
            {
                Report(result, "");
            }
        });
        _busy = false;
    }
}
