using System.Globalization;
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
        nameof(VmPairInput.SourceHypervisorId), nameof(VmPairInput.SourceVmId), nameof(VmPairInput.TargetHypervisorId),
        nameof(VmPairInput.TargetVmId), nameof(VmPairInput.Compression), nameof(VmPairInput.BackupMode), nameof(VmPairInput.RpoMinutes), nameof(VmPairInput.Note),
        nameof(VmPairInput.ConfirmUnverifiedSource), .. RetentionFields.FieldsOf(nameof(VmPairInput.Retention)),
    ];

    /// <summary>zstd first: the default, and the best trade of speed and size on Proxmox.</summary>
    private static readonly BackupCompression[] CompressionChoices =
        [BackupCompression.Zstd, BackupCompression.Lzo, BackupCompression.Gzip, BackupCompression.None];

    private readonly FormErrors _errors = new();
    private VmPairInput _input = new();
    private List<Hypervisor> _hosts = [];
    private int? _sourceHostId;
    private int? _targetHostId;
    private string? _sourceVmId;
    private string? _targetVmId;
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
            _sourceVmId = Pair.SourceVmId.ToString(CultureInfo.InvariantCulture);
            _targetVmId = Pair.TargetVmId.ToString(CultureInfo.InvariantCulture);
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

    /// <summary>The input as the form shows it now. Unparseable VMIDs become 0 so the store's one rule gives the field's message.</summary>
    private VmPairInput Current() => _input with
    {
        SourceHypervisorId = _sourceHostId ?? 0,
        TargetHypervisorId = _targetHostId ?? 0,
        SourceVmId = ParseVmId(_sourceVmId),
        TargetVmId = ParseVmId(_targetVmId),
        // Hours on screen, whole minutes stored; a value that rounds to 0 minutes meets the store's range message.
        RpoMinutes = _rpoHours is { } hours ? (int)Math.Round(hours * 60, MidpointRounding.AwayFromZero) : null,
        ConfirmUnverifiedSource = false,
    };

    private bool HasChanges => _opened is not null && Current() != _opened;

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
        _errors.Clear(nameof(VmPairInput.SourceVmId));
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

    private string ModeHint => _input.BackupMode switch
    {
        BackupMode.Snapshot => "Live backup; the VM keeps running",
        BackupMode.Suspend => "The VM is paused while its state is saved",
        BackupMode.Stop => "The VM is shut down for the backup and started again",
        _ => "",
    };

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
        await GuardAsync("Saving the pair", async () =>
        {
            var result = Pair is null
                ? await Pairs.CreateAsync(_input, User.ActorName(), Aborted)
                : await Pairs.UpdateAsync(Pair.Id, _input, User.ActorName(), Aborted);
            if (result.IsOk)
            {
                Dialog.Close(DialogResult.Ok(result.Value!));
                return;
            }
            _errors.Set(result.Errors);
            _failure = result.Status == ResultStatus.Invalid ? null : Display.Refusal(result);
        });
        _saving = false;
    }

    private static int ParseVmId(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
