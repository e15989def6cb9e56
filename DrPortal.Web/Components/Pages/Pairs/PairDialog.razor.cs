using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class PairDialog
{
    private static readonly string[] Fields =
    [
        nameof(VmPairInput.SourceHypervisorId), nameof(VmPairInput.SourceVm), nameof(VmPairInput.TargetHypervisorId),
        nameof(VmPairInput.TargetVm), nameof(VmPairInput.BackupOptions), nameof(VmPairInput.RpoMinutes), nameof(VmPairInput.Note),
        nameof(VmPairInput.ConfirmUnverifiedSource), .. RetentionFields.FieldsOf(nameof(VmPairInput.Retention)),
    ];

    private readonly FormErrors _errors = new();
    private VmPairInput _input = new();
    private List<Hypervisor> _hosts = [];
    private int? _sourceHostId;
    private int? _targetHostId;
    private string? _sourceVmId;
    private string? _targetVmId;

    /// <summary>The chosen backup options of the source host's kind; an option not shown keeps its stored value.</summary>
    private Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private double? _rpoHours;
    private string? _failure;
    private bool _loading = true;
    private bool _saving;
    private bool _askingToDiscard;

    /// <summary>What the form held when it opened; Escape asks before discarding anything else.</summary>
    private VmPairInput? _opened;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private IHypervisorStore Hosts { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private HypervisorProfiles Profiles { get; set; } = default!;

    /// <summary>The kind of the chosen source host (the target must be of the same kind); null until one is chosen.</summary>
    internal IHypervisorProfile? Profile => HostById(_sourceHostId) is { } host ? Profiles.Find(host.Kind) : null;

    private string VmRefLabel => Profile?.VmRefLabel ?? "VM";

    /// <summary>The value an option has now: the chosen one, else the kind's default.</summary>
    private string OptionValue(BackupOptionSpec spec) => _options.TryGetValue(spec.Key, out var v) ? v : spec.Default;

    private void SetOption(BackupOptionSpec spec, string value)
    {
        _options[spec.Key] = value;
        _errors.Clear(nameof(VmPairInput.BackupOptions));
    }

    /// <summary>The pair to edit; null adds a new one.</summary>
    [Parameter]
    public VmPair? Pair { get; set; }

    /// <summary>Hosts offered as sources: the primary site only.</summary>
    internal IReadOnlyList<Hypervisor> SourceHosts => _hosts.Where(h => h.Site == Site.Primary).ToList();

    /// <summary>Hosts offered as targets: the recovery site only.</summary>
    internal IReadOnlyList<Hypervisor> TargetHosts => _hosts.Where(h => h.Site == Site.Recovery).ToList();

    protected override async Task LoadAsync()
    {
        if (Pair is not null)
        {
            _input = VmPairInput.From(Pair);
            _sourceHostId = Pair.SourceHypervisorId;
            _targetHostId = Pair.TargetHypervisorId;
            _sourceVmId = Pair.SourceVm;
            _targetVmId = Pair.TargetVm;
            _options = new Dictionary<string, string>(Pair.BackupOptions, StringComparer.Ordinal);
            _rpoHours = Pair.RpoMinutes / 60d;
        }
        _opened = Current();
        try
        {
            _hosts = [.. await Hosts.ListAsync(Aborted)];
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>The input as the form shows it now; the store's rules (the kind's) give each field its message.</summary>
    private VmPairInput Current() => _input with
    {
        SourceHypervisorId = _sourceHostId ?? 0,
        TargetHypervisorId = _targetHostId ?? 0,
        SourceVm = _sourceVmId?.Trim(),
        TargetVm = _targetVmId?.Trim(),
        // Only the options of the source's kind are sent: options of another kind would be refused.
        BackupOptions = Profile is { } profile
            ? profile.BackupOptions.ToDictionary(s => s.Key, OptionValue, StringComparer.Ordinal)
            : null,
        // Hours on screen, whole minutes stored; a value that rounds to 0 minutes meets the store's range message.
        RpoMinutes = _rpoHours is { } hours ? (int)Math.Round(hours * 60, MidpointRounding.AwayFromZero) : null,
        ConfirmUnverifiedSource = false,
    };

    private bool HasChanges => _opened is not null && !Same(Current(), _opened);

    /// <summary>Records compare their dictionaries by reference; the form compares what they hold.</summary>
    private static bool Same(VmPairInput a, VmPairInput b) =>
        a with { BackupOptions = null } == b with { BackupOptions = null }
        && (a.BackupOptions ?? []).OrderBy(kv => kv.Key).SequenceEqual((b.BackupOptions ?? []).OrderBy(kv => kv.Key));

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key != "Escape" || _askingToDiscard)
        {
            return;
        }
        if (!HasChanges)
        {
            Dialog.Cancel();
            return;
        }
        _askingToDiscard = true;
        try
        {
            if (await Dialogs.ConfirmAsync("Discard changes?", "This pair has changes that are not saved.", confirmText: "Discard", dismissText: "Keep editing"))
            {
                Dialog.Cancel();
            }
        }
        finally
        {
            _askingToDiscard = false;
        }
    }

    /// <summary>A different source forgets the source errors and any earlier "save anyway" warning, which was about the old one.</summary>
    private void SourceChanged()
    {
        _errors.Clear(nameof(VmPairInput.SourceHypervisorId));
        _errors.Clear(nameof(VmPairInput.SourceVm));
        _errors.Clear(nameof(VmPairInput.ConfirmUnverifiedSource));
    }

    private string StartHint => _input.ReplicaStart switch
    {
        ReplicaStart.Off => "Left stopped (the safe default): start it yourself when you fail over.",
        ReplicaStart.LinksDown => "Booted with every network card's link down: it runs and can be checked from the console, but cannot reach or disturb the primary's network.",
        ReplicaStart.Connected => "Booted on its networks as restored: choose this only when the recovery networks are isolated from the primary's.",
        _ => "",
    };

    private Hypervisor? HostById(int? id) => id is null ? null : _hosts.FirstOrDefault(h => h.Id == id);

    private string HostLabel(int? id) => HostById(id)?.Name ?? "";

    private Task SaveAsync() => SaveAsync(confirmUnverifiedSource: false);

    private Task SaveUnverifiedAsync() => SaveAsync(confirmUnverifiedSource: true);

    private async Task SaveAsync(bool confirmUnverifiedSource)
    {
        if (!User.CanOperate())
        {
            _failure = "Viewers cannot change VM pairs.";
            return;
        }
        _input = Current() with { ConfirmUnverifiedSource = confirmUnverifiedSource };
        _saving = true;
        _failure = null;
        _failure = await SaveFormAsync("Saving the pair", Dialog, _errors, async () => Pair is null
                ? await Pairs.CreateAsync(_input, User.ActorName(), Aborted)
                : await Pairs.UpdateAsync(Pair.Id, _input, User.ActorName(), Aborted));
        _saving = false;
    }
}
