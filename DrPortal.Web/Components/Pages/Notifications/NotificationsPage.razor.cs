using DrPortal.Core.Notifications;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Notifications;

public partial class NotificationsPage
{
    private IReadOnlyList<NotificationTargetView> _targets = [];
    private IReadOnlyList<NotificationRule> _rules = [];
    private IReadOnlyList<NotificationDelivery> _deliveries = [];
    private bool _loading = true;

    [Inject]
    private INotificationSettings Settings { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        await GuardAsync("Loading notifications", async () =>
        {
            _targets = await Settings.ListTargetsAsync(Aborted);
            _rules = await Settings.ListRulesAsync(Aborted);
            _deliveries = await Settings.ListDeliveriesAsync(200, Aborted);
        });
        _loading = false;
    }

    private static readonly DialogOptions Wide = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true };

    private async Task AddTargetAsync()
    {
        if (await Dialogs.ShowForResultAsync<TargetDialog, NotificationTargetView>("Add notification target", new DialogParameters<TargetDialog>(), Wide) is { } added)
        {
            Snackbar.Add($"Target {added.Name} added.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditTargetAsync(NotificationTargetView target)
    {
        var parameters = new DialogParameters<TargetDialog> { { d => d.Target, target } };
        if (await Dialogs.ShowForResultAsync<TargetDialog, NotificationTargetView>($"Edit {target.Name}", parameters, Wide) is { } saved)
        {
            Snackbar.Add($"Target {saved.Name} saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteTargetAsync(NotificationTargetView target)
    {
        if (!await Dialogs.ConfirmAsync("Delete target", $"Delete {target.Name}?", detail: "Its deliveries stay in the list; rules naming only this target are switched off."))
        {
            return;
        }
        await GuardAsync("Deleting the target", async () =>
        {
            Report(await Settings.DeleteTargetAsync(target.Id, User.ActorName(), Aborted), $"Target {target.Name} deleted.");
            await ReloadAsync();
        });
    }

    private async Task TestAsync(NotificationTargetView target) => await GuardAsync("Sending a test", async () =>
    {
        var result = await Settings.SendTestAsync(target.Id, User.ActorName(), Aborted);
        if (result.Value is { } sent)
        {
            Snackbar.Add($"{target.Name}: {(sent.Delivered ? "delivered" : "not delivered")} — {sent.Message}", sent.Delivered ? Severity.Success : Severity.Warning,
                o => o.RequireInteraction = !sent.Delivered);
        }
        else
        {
            Report(result, "");
        }
    });

    private async Task EditRuleAsync(NotificationRule? rule)
    {
        var parameters = new DialogParameters<RuleDialog> { { d => d.Rule, rule }, { d => d.Targets, _targets } };
        if (await Dialogs.ShowForResultAsync<RuleDialog, NotificationRule>(rule is null ? "Add notification rule" : $"Edit {rule.Name}", parameters, Wide) is { } saved)
        {
            Snackbar.Add($"Rule {saved.Name} saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteRuleAsync(NotificationRule rule)
    {
        if (!await Dialogs.ConfirmAsync("Delete rule", $"Delete the rule {rule.Name}?"))
        {
            return;
        }
        await GuardAsync("Deleting the rule", async () =>
        {
            Report(await Settings.DeleteRuleAsync(rule.Id, User.ActorName(), Aborted), $"Rule {rule.Name} deleted.");
            await ReloadAsync();
        });
    }

    private string TargetName(int id) => _targets.FirstOrDefault(t => t.Id == id)?.Name ?? $"#{id}";

    private static string Secrets(NotificationTargetView t) => t.Kind == NotificationTargetKind.Email
        ? $"password {(t.SmtpPasswordSet ? "set" : "not set")}"
        : t.Headers.Count == 0 ? "no headers" : string.Join(", ", t.Headers.Select(h => $"{h.Name} {(h.ValueSet ? "set" : "not set")}"));

    private static string Scope(NotificationRule r) =>
        r.PairIds.Count == 0 && r.HostIds.Count == 0 ? "everything"
        : string.Join(", ", new[] { r.PairIds.Count > 0 ? $"{r.PairIds.Count} pair(s)" : null, r.HostIds.Count > 0 ? $"{r.HostIds.Count} host(s)" : null }.Where(s => s is not null));

    private static Color OutcomeColor(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Sent => Color.Success,
        DeliveryOutcome.Failed => Color.Error,
        _ => Color.Warning,
    };

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
