using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class PairDialog
{
    private static readonly string[] Fields =
    [
        nameof(VmPairInput.SourceHypervisorId), nameof(VmPairInput.SourceVmId), nameof(VmPairInput.TargetHypervisorId),
        nameof(VmPairInput.TargetVmId), nameof(VmPairInput.Compression), nameof(VmPairInput.BackupMode), nameof(VmPairInput.RpoMinutes), nameof(VmPairInput.Note),
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

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private IHypervisorStore Hosts { get; set; } = default!;

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
        try
        {
            _hosts = [.. await Hosts.ListAsync(Aborted)];
        }
        finally
        {
            _loading = false;
        }
    }

    private Hypervisor? HostById(int? id) => id is null ? null : _hosts.FirstOrDefault(h => h.Id == id);

    private string HostLabel(int? id) => HostById(id)?.Name ?? "";

    private string ModeHint => _input.BackupMode switch
    {
        BackupMode.Snapshot => "Live backup; the VM keeps running",
        BackupMode.Suspend => "The VM is paused while its state is saved",
        BackupMode.Stop => "The VM is shut down for the backup and started again",
        _ => "",
    };

    private async Task SaveAsync()
    {
        if (!User.CanOperate())
        {
            _failure = "Viewers cannot change VM pairs.";
            return;
        }
        // Unparseable VMIDs go to the store as 0 so its one rule produces the one message for the field.
        _input.SourceHypervisorId = _sourceHostId ?? 0;
        _input.TargetHypervisorId = _targetHostId ?? 0;
        _input.SourceVmId = ParseVmId(_sourceVmId);
        _input.TargetVmId = ParseVmId(_targetVmId);
        // Hours on screen, whole minutes stored; a value that rounds to 0 minutes meets the store's range message.
        _input.RpoMinutes = _rpoHours is { } hours ? (int)Math.Round(hours * 60, MidpointRounding.AwayFromZero) : null;
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
