using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class PairRecoveryDialog
{
    private const string FailoverField = "failoverNetwork";
    private const string DrillField = "drillNetwork";

    /// <summary>The select's value for "the network the restored configuration names" (a MudSelect item cannot be null).</summary>
    private const string KeepNetwork = "";

    private readonly FormErrors _errors = new();
    private readonly List<string> _nics = [];
    private readonly Dictionary<string, NicMappingRow> _failover = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NicMappingRow> _drill = new(StringComparer.Ordinal);

    /// <summary>The NICs in the order they were sent, per mapping: the store's errors name list positions.</summary>
    private readonly Dictionary<string, List<string>> _sent = new(StringComparer.Ordinal) { [FailoverField] = [], [DrillField] = [] };

    private BootCheckForm _check = new();
    private PairRecoveryView? _view;
    private string? _failure;
    private bool _loading = true;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IPairRecovery Recovery { get; set; } = default!;

    [Parameter, EditorRequired]
    public VmPair Pair { get; set; } = default!;

    protected override async Task LoadAsync()
    {
        try
        {
            var result = await Recovery.GetAsync(Pair.Id, Aborted);
            if (!result.IsOk)
            {
                _failure = Display.Refusal(result);
                return;
            }
            _view = result.Value!;
            var settings = _view.Settings;
            foreach (var nic in _view.SourceNics.Select(n => n.Id)
                         .Concat((settings.FailoverNetwork ?? []).Select(m => m.Nic))
                         .Concat((settings.DrillNetwork ?? []).Select(m => m.Nic)))
            {
                AddRow(nic);
            }
            foreach (var m in settings.FailoverNetwork ?? [])
            {
                _failover[m.Nic] = NicMappingRow.From(m);
            }
            foreach (var m in settings.DrillNetwork ?? [])
            {
                _drill[m.Nic] = NicMappingRow.From(m);
            }
            _check = BootCheckForm.From(settings.BootCheck ?? BootCheck.Default);
        }
        finally
        {
            _loading = false;
        }
    }

    private void AddRow(string nic)
    {
        if (_nics.Contains(nic, StringComparer.Ordinal))
        {
            return;
        }
        _nics.Add(nic);
        _failover[nic] = NicMappingRow.Keep();
        _drill[nic] = NicMappingRow.From(NicMapping.Isolated(nic));
    }

    /// <summary>The mapping's name in data-test attributes ("failover", "drill").</summary>
    private static string Short(string kind) => kind == DrillField ? "drill" : "failover";

    private void AddNic() => AddRow($"net{_nics.Count}");

    private void SetNetwork(NicMappingRow row, string kind, string nic, string? value)
    {
        row.Network = string.IsNullOrEmpty(value) ? null : value;
        if (Key(kind, nic, "network") is { } key)
        {
            _errors.Clear(key);
        }
    }

    private string? Key(string kind, string nic, string field) =>
        _sent[kind].IndexOf(nic) is var i and >= 0 ? $"{kind}[{i}].{field}" : null;

    private bool Has(string kind, string nic, string field) => Key(kind, nic, field) is { } key && _errors.Has(key);

    private string? Err(string kind, string nic, string field) => Key(kind, nic, field) is { } key ? _errors[key] : null;

    private string[] ShownFields() =>
    [
        "bootCheck.stableSeconds", "bootCheck.timeoutSeconds", "bootCheck.tcpAddress", "bootCheck.tcpPort", "bootCheck.command",
        .. _sent.SelectMany(kv => kv.Value.SelectMany((_, i) => new[] { $"{kv.Key}[{i}].network", $"{kv.Key}[{i}].vlanTag" })),
    ];

    /// <summary>A failover NIC left as restored is not sent (an empty list keeps every network); every drill NIC is sent as shown.</summary>
    private PairRecoveryInput Current()
    {
        var failover = _nics.Where(n => !_failover[n].IsKeep).ToList();
        _sent[FailoverField] = failover;
        _sent[DrillField] = [.. _nics];
        return new PairRecoveryInput
        {
            FailoverNetwork = failover.Select(n => _failover[n].ToMapping(n)).ToList(),
            DrillNetwork = _nics.Select(n => _drill[n].ToMapping(n)).ToList(),
            BootCheck = _check.ToBootCheck(),
        };
    }

    private async Task SaveAsync()
    {
        if (!User.CanOperate())
        {
            _failure = "Viewers cannot change a pair's recovery settings.";
            return;
        }
        _saving = true;
        _failure = null;
        _failure = await SaveFormAsync("Saving the recovery settings", Dialog, _errors, async () => await Recovery.SaveAsync(Pair.Id, Current(), User.ActorName(), User.CanAdminister(), Aborted));
        _saving = false;
    }

    /// <summary>The boot check as the form edits it (the Core record is immutable).</summary>
    private sealed class BootCheckForm
    {
        public int StableSeconds { get; set; }
        public bool Agent { get; set; }
        public int TimeoutSeconds { get; set; }
        public string? TcpAddress { get; set; }
        public int? TcpPort { get; set; }
        public string? Command { get; set; }

        public static BootCheckForm From(BootCheck c) => new()
        {
            StableSeconds = c.StableSeconds,
            Agent = c.Agent,
            TimeoutSeconds = c.TimeoutSeconds,
            TcpAddress = c.TcpAddress,
            TcpPort = c.TcpPort,
            Command = c.Command,
        };

        public BootCheck ToBootCheck() => new(StableSeconds, Agent, TimeoutSeconds,
            string.IsNullOrWhiteSpace(TcpAddress) ? null : TcpAddress.Trim(), TcpPort, string.IsNullOrWhiteSpace(Command) ? null : Command);
    }
}
