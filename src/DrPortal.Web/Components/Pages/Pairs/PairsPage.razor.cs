using System.Globalization;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class PairsPage
{
    private static readonly Func<VmPair, object> BySource = p => $"{p.SourceHypervisor?.Name}/{p.SourceVmId:D9}";
    private static readonly Func<VmPair, object> ByTarget = p => $"{p.TargetHypervisor?.Name}/{p.TargetVmId:D9}";
    private static readonly Func<VmPair, object> ByStart = p => p.StartAfterRestore;
    private static readonly Func<VmPair, object> ByOverwrite = p => p.OverwriteExistingTarget;
    private static readonly Func<VmPair, object> ByNote = p => p.Note ?? "";

    private List<VmPair> _pairs = [];
    private string? _search;
    private bool _loading = true;

    [Inject]
    private IVmPairStore Store { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    private bool CanOperate => User.CanOperate();

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            await GuardAsync("Loading the VM pairs", async () => _pairs = [.. await Store.ListAsync(Aborted)]);
        }
        finally
        {
            _loading = false;
        }
    }

    private static string HostName(Hypervisor? host, int id) => host?.Name ?? $"host #{id.ToString(CultureInfo.InvariantCulture)}";

    private bool Matches(VmPair p)
    {
        if (string.IsNullOrWhiteSpace(_search))
        {
            return true;
        }
        var term = _search.Trim();
        return HostName(p.SourceHypervisor, p.SourceHypervisorId).Contains(term, StringComparison.OrdinalIgnoreCase)
            || HostName(p.TargetHypervisor, p.TargetHypervisorId).Contains(term, StringComparison.OrdinalIgnoreCase)
            || p.SourceVmId.ToString(CultureInfo.InvariantCulture).Contains(term, StringComparison.Ordinal)
            || p.TargetVmId.ToString(CultureInfo.InvariantCulture).Contains(term, StringComparison.Ordinal)
            || (p.Note?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private async Task AddAsync()
    {
        var added = await Dialogs.ShowForResultAsync<PairDialog, VmPair>("Add VM pair", new DialogParameters<PairDialog>(), DialogServiceExtensions.Medium);
        if (added is not null)
        {
            Snackbar.Add($"Pair {added.Describe()} added.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(VmPair pair)
    {
        var parameters = new DialogParameters<PairDialog> { { d => d.Pair, pair } };
        var saved = await Dialogs.ShowForResultAsync<PairDialog, VmPair>($"Edit VM pair #{pair.Id}", parameters, DialogServiceExtensions.Medium);
        if (saved is not null)
        {
            Snackbar.Add($"Pair {saved.Describe()} saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(VmPair pair)
    {
        if (!CanOperate
            || !await Dialogs.ConfirmAsync("Delete VM pair", $"Delete pair {pair.Describe()}?",
                detail: "Only the pairing is removed; the VMs and archives on the hosts stay as they are."))
        {
            return;
        }
        await GuardAsync("Deleting the pair", async () =>
        {
            var result = await Store.DeleteAsync(pair.Id, User.ActorName(), Aborted);
            if (result.IsOk)
            {
                Snackbar.Add($"Pair {pair.Describe()} deleted.", Severity.Success);
            }
            else
            {
                Snackbar.Add(Display.Refusal(result), Severity.Warning, o => o.RequireInteraction = true);
            }
        });
        await ReloadAsync();
    }
}
