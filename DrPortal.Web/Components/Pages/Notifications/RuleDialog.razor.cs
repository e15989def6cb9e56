using DrPortal.Core.Hosts;
using DrPortal.Core.Notifications;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Notifications;

/// <summary>Adds or edits a rule: which events, at least how bad, for which pairs or hosts, to which targets, at once or daily.</summary>
public partial class RuleDialog
{
    private readonly FormErrors _errors = new();
    private string? _name;
    private bool _enabled = true;
    private IEnumerable<OperationalEventKind> _kinds = NotificationRule.DefaultKinds;
    private EventSeverity _minSeverity;
    private IEnumerable<int> _targetIds = [];
    private IEnumerable<long> _pairIds = [];
    private IEnumerable<long> _hostIds = [];
    private DeliveryMode _mode;
    private int _digestHour = 7;
    private IReadOnlyList<VmPair> _pairs = [];
    private IReadOnlyList<Hypervisor> _hosts = [];
    private string? _failure;
    private bool _busy;

    [Inject]
    private INotificationSettings Settings { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private IHypervisorStore Hosts { get; set; } = default!;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Parameter]
    public NotificationRule? Rule { get; set; }

    [Parameter]
    public IReadOnlyList<NotificationTargetView> Targets { get; set; } = [];

    protected override async Task LoadAsync()
    {
        if (Rule is { } r)
        {
            (_name, _enabled, _kinds, _minSeverity, _mode, _digestHour) = (r.Name, r.Enabled, r.Kinds, r.MinSeverity, r.Mode, r.DigestHour);
            (_targetIds, _pairIds, _hostIds) = (r.TargetIds, r.PairIds, r.HostIds);
        }
        _pairs = await Pairs.ListAsync(Aborted);
        _hosts = await Hosts.ListAsync(Aborted);
    }

    private string TargetName(string? id) => Targets.FirstOrDefault(t => t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id)?.Name ?? id ?? "";

    private async Task SaveAsync()
    {
        if (_busy)
        {
            return;
        }
        _busy = true;
        var input = new NotificationRuleInput(_name, _kinds.ToList(), _minSeverity, _pairIds.ToList(), _hostIds.ToList(), _targetIds.ToList(), _mode, _digestHour, _enabled);
        _failure = await SaveFormAsync("Saving the rule", Dialog, _errors, () => Rule is { } r
            ? Settings.UpdateRuleAsync(r.Id, input, User.ActorName(), Aborted)
            : Settings.CreateRuleAsync(input, User.ActorName(), Aborted));
        _busy = false;
    }
}
