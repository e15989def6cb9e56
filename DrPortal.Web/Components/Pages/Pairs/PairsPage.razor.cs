using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Schedules;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Pages.Plans;
using DrPortal.Web.Components.Pages.Schedules;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public partial class PairsPage
{
    private static readonly Func<VmPair, object> BySource = p => $"{p.SourceHypervisor?.Name}/{p.SourceVm:D9}";
    private static readonly Func<VmPair, object> ByTarget = p => $"{p.TargetHypervisor?.Name}/{p.TargetVm:D9}";
    private static readonly Func<VmPair, object> ByOverwrite = p => p.OverwriteExistingTarget;

    private List<VmPair> _pairs = [];
    private Dictionary<int, DrTask> _lastRuns = [];
    private Dictionary<int, PairProtection> _protection = [];
    private TaskFeedSubscription? _feed;
    private string? _search;
    private bool _loading = true;
    private bool _loadingRuns = true;

    [Inject]
    private IVmPairStore Store { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    [Inject]
    private IPairProtection Protection { get; set; } = default!;

    [Inject]
    private IScheduleStore ScheduleStore { get; set; } = default!;

    [Inject]
    private HypervisorProfiles Profiles { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>A pair's hosts share one kind (the store refuses cross-kind pairs): the source's stands for both.</summary>
    private string KindName(VmPair pair) => pair.SourceHypervisor is { } host ? Profiles.NameOf(host.Kind) : "unknown kind";

    private string Noun(VmPair pair) =>
        pair.SourceHypervisor is { } host && Profiles.Find(host.Kind) is { } profile ? profile.VmNoun : "VM";

    private bool CanOperate => User.CanOperate();

    protected override Task LoadAsync()
    {
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnUpdatesAsync);
        return ReloadAsync();
    }

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
        await GuardAsync("Loading the last runs", async () => _lastRuns = await LastRuns.PerPairAsync(Tasks, _pairs.Select(p => p.Id), Aborted));
        _loadingRuns = false;
        await LoadProtectionAsync();
    }

    private Task<bool> LoadProtectionAsync() =>
        GuardAsync("Loading the recovery points", async () => _protection = (await Protection.ListAsync(Aborted)).ToDictionary(p => p.PairId));

    /// <summary>Keeps "last run" current: a newer task of a pair replaces the one shown, the shown one takes its new status.</summary>
    private async Task OnUpdatesAsync(IReadOnlyList<TaskUpdate> updates)
    {
        // A finished backup may have made a new recovery point.
        if (updates.Any(u => u.Status is DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings))
        {
            await LoadProtectionAsync();
        }
        foreach (var update in updates)
        {
            if (update.PairId is not { } pairId || _pairs.All(p => p.Id != pairId))
            {
                continue;
            }
            if (_lastRuns.TryGetValue(pairId, out var shown) && shown.Id == update.TaskId && shown.Status == update.Status)
            {
                TaskDisplay.Apply(shown, update);
            }
            else if (shown is null || update.TaskId >= shown.Id)
            {
                // A new task, or a new status (with times the feed does not carry): read the row.
                await GuardAsync("Loading the last run", async () =>
                {
                    if (await Tasks.FindAsync(update.TaskId, Aborted) is { } task)
                    {
                        _lastRuns[pairId] = task;
                    }
                });
            }
        }
        StateHasChanged();
    }

    private async Task BackupAsync(VmPair pair)
    {
        if (CanOperate)
        {
            await RequestAsync(pair, DrTaskKind.Backup, null);
        }
    }

    private async Task ReplicateAsync(VmPair pair)
    {
        if (!CanOperate
            || !await Dialogs.ShowForResultAsync<ReplicateDialog, bool>("Replicate VM pair", new DialogParameters<ReplicateDialog> { { d => d.Pair, pair } },
                DialogServiceExtensions.Medium))
        {
            return;
        }
        await RequestAsync(pair, DrTaskKind.Replicate, null);
    }

    private async Task RestoreAsync(VmPair pair)
    {
        if (!CanOperate)
        {
            return;
        }
        var parameters = new DialogParameters<RestoreDialog> { { d => d.Pair, pair } };
        var archiveId = await Dialogs.ShowForResultAsync<RestoreDialog, long>($"Restore {pair.Describe()}", parameters, DialogServiceExtensions.Large);
        // 0: the dialog was cancelled (archive ids start at 1).
        if (archiveId > 0)
        {
            await RequestAsync(pair, DrTaskKind.Restore, archiveId);
        }
    }

    private async Task DrillAsync(VmPair pair)
    {
        if (!CanOperate)
        {
            return;
        }
        var parameters = new DialogParameters<RunRequestDialog> { { d => d.Kind, DrRunKind.Drill }, { d => d.Pair, pair } };
        if (await Dialogs.ShowForResultAsync<RunRequestDialog, DrRun>($"Drill {pair.Describe()}", parameters, DialogServiceExtensions.Small) is { } run)
        {
            Snackbar.Add($"Drill #{run.Id} of {pair.Describe()} queued.", Severity.Success);
            Navigation.NavigateTo($"runs/{run.Id}");
        }
    }

    private async Task RecoveryAsync(VmPair pair)
    {
        var parameters = new DialogParameters<PairRecoveryDialog> { { d => d.Pair, pair } };
        if (await Dialogs.ShowForResultAsync<PairRecoveryDialog, VmPair>($"Recovery of {pair.Describe()}", parameters, DialogServiceExtensions.Medium) is not null)
        {
            Snackbar.Add($"Recovery settings of {pair.Describe()} saved.", Severity.Success);
        }
    }

    private async Task RequestAsync(VmPair pair, DrTaskKind kind, long? archiveId) =>
        await GuardAsync($"Requesting the {TaskDisplay.KindVerb(kind)}", async () =>
        {
            var result = await Tasks.RequestAsync(pair.Id, kind, archiveId, User.ActorName(), Aborted);
            TaskRequestNotice.Show(Snackbar, result, pair.Describe());
            if (result.Value?.Task is { } task)
            {
                _lastRuns[pair.Id] = task;
            }
        });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _feed?.Dispose();
        }
        base.Dispose(disposing);
    }

    private static string ScheduleLine(Schedule s) =>
        $"#{s.Id.ToString(CultureInfo.InvariantCulture)} {s.Kind.ToString().ToLowerInvariant()} {ScheduleDisplay.Timing(s)} ({s.TimeZone}){(s.Enabled ? "" : ", disabled")}{(s.Note is { Length: > 0 } note ? $": {note}" : "")}";

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
            || p.SourceVm.ToString(CultureInfo.InvariantCulture).Contains(term, StringComparison.Ordinal)
            || (p.SourceVmName?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)
            || p.TargetVm.ToString(CultureInfo.InvariantCulture).Contains(term, StringComparison.Ordinal)
            || (p.Note?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private async Task AddAsync()
    {
        var added = await Dialogs.ShowForResultAsync<PairDialog, VmPair>("Add VM pair", new DialogParameters<PairDialog>(), DialogServiceExtensions.MediumForm);
        if (added is not null)
        {
            Snackbar.Add($"Pair {added.Describe()} added.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(VmPair pair)
    {
        var parameters = new DialogParameters<PairDialog> { { d => d.Pair, pair } };
        var saved = await Dialogs.ShowForResultAsync<PairDialog, VmPair>($"Edit VM pair #{pair.Id}", parameters, DialogServiceExtensions.MediumForm);
        if (saved is not null)
        {
            Snackbar.Add($"Pair {saved.Describe()} saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(VmPair pair)
    {
        if (!CanOperate)
        {
            return;
        }
        // Deleting a pair deletes its schedules with it (the database cascades): the user must see which before agreeing.
        IReadOnlyList<Schedule> schedules = [];
        if (!await GuardAsync("Loading the pair's schedules", async () => schedules = await ScheduleStore.ListAsync(pair.Id, Aborted)))
        {
            return;
        }
        var detail = schedules.Count == 0
            ? "Only the pairing is removed; the VMs and archives on the hosts stay as they are. The pair has no schedules."
            : $"The VMs and archives on the hosts stay as they are, but the pair's {schedules.Count} schedule(s) are deleted with it:";
        if (!await Dialogs.ConfirmAsync("Delete VM pair", $"Delete pair {pair.Describe()}?", detail: detail,
                items: [.. schedules.Select(ScheduleLine)]))
        {
            return;
        }
        await GuardAsync("Deleting the pair", async () =>
        {
            Report(await Store.DeleteAsync(pair.Id, User.ActorName(), Aborted), $"Pair {pair.Describe()} deleted.");
        });
        await ReloadAsync();
    }
}
