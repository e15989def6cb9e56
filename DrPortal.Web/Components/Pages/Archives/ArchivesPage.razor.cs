using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Archives;

/// <summary>
/// The archives in the repository, per pair: checksums, copies with what the last verify found, age; protect, verify, delete
/// and "restore this" for operators.
/// </summary>
public partial class ArchivesPage
{
    private List<Archive> _archives = [];
    private MudTable<Archive>? _table;
    private int _total;
    private long _totalBytes;
    private TaskFeedSubscription? _feed;
    private List<VmPair> _pairs = [];
    private int? _pairId;
    private readonly HashSet<long> _busy = [];
    private bool _verifyingAll;

    [Inject]
    private IArchiveStore Store { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private IRepositoryVerification Verification { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    [Inject]
    private ITaskFeed Feed { get; set; } = default!;

    /// <summary>/archives?pairId=3 opens the page on one pair (links from pairs and tasks).</summary>
    [SupplyParameterFromQuery(Name = "pairId")]
    public int? PairIdQuery { get; set; }

    private bool CanOperate => User.CanOperate();

    protected override async Task LoadAsync()
    {
        _pairId = PairIdQuery;
        // Archives appear when a backup's Pull ends and change copies as tasks end: a finished task refreshes the list.
        _feed = new TaskFeedSubscription(Feed, InvokeAsync, OnTasksFinishedAsync, u => u.Status.IsFinished() && (_pairId is null || u.PairId == _pairId));
        _pairs = [.. (await Pairs.ListAsync(Aborted)).OrderBy(p => p.Describe(), StringComparer.Ordinal)];
    }

    /// <summary>One page from the server (there may be thousands of points), newest first, with the filter's totals.</summary>
    private async Task<TableData<Archive>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var page = new ArchivePage([], 0, 0);
        await GuardAsync("Loading the archives", async () =>
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, Aborted);
            try
            {
                page = await Store.PageAsync(_pairId, new ListWindow(state.Page * state.PageSize, state.PageSize), both.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A newer load replaced this one while it ran.
            }
        });
        _archives = [.. page.Items];
        // The totals sit in the toolbar, which the table re-renders with itself.
        _total = page.Total;
        _totalBytes = page.TotalBytes;
        return new TableData<Archive> { Items = page.Items, TotalItems = page.Total };
    }

    private Task RefreshAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    private async Task OnTasksFinishedAsync(IReadOnlyList<TaskUpdate> updates)
    {
        await RefreshAsync();
        // Not an event of this component: nothing re-renders it unless asked.
        StateHasChanged();
    }

    private Task PairChangedAsync(int? value)
    {
        _pairId = value;
        _table?.NavigateTo(0);
        return RefreshAsync();
    }

    private string PairLabel(int? id) => id is null ? "" : _pairs.FirstOrDefault(p => p.Id == id)?.Describe() ?? $"pair #{id}";

    private VmPair? PairOf(Archive archive) => archive.VmPairId is { } id ? _pairs.FirstOrDefault(p => p.Id == id) : null;

    private static string TargetOf(VmPair pair) => RestoreWarning.Target(pair);

    /// <summary>The host a point was sent to: the pair's recovery host, or its source host for a point a failback made on the recovery host.</summary>
    private string? RecoveryHostOf(Archive point) => PairOf(point) is not { } pair ? null
        : point.SourceHypervisorId == pair.TargetHypervisorId && pair.TargetHypervisorId != pair.SourceHypervisorId ? pair.SourceHypervisor?.Name
        : pair.TargetHypervisor?.Name;

    /// <summary>" on the full point's label" when that point is on this page, else its number (the dialog shows the chain).</summary>
    private string ParentText(Archive point) => point.ParentArchiveId is not { } id ? ""
        : _archives.FirstOrDefault(a => a.Id == id) is { } parent ? $" on {parent.Label}" : $" on #{id}";

    /// <summary>Opens a point's files and chain; the chain is read from the store, whatever page or filter shows.</summary>
    private async Task ShowDetailAsync(Archive point)
    {
        IReadOnlyList<Archive> known = [point];
        await GuardAsync("Loading the chain", async () =>
        {
            if (await Store.ChainAsync(point.Id, Aborted) is { } chain)
            {
                known = chain.Points;
            }
        });
        var parameters = new DialogParameters<RestorePointDialog> { { d => d.Point, point }, { d => d.Known, known } };
        await Dialogs.ShowAsync<RestorePointDialog>($"Restore point #{point.Id}", parameters, DialogServiceExtensions.Medium);
    }

    private async Task RestoreAsync(Archive archive, VmPair pair)
    {
        if (!CanOperate
            || !await Dialogs.ConfirmAsync("Restore archive", $"Restore {archive.Label} into {RestoreWarning.Target(pair)}?",
                confirmText: "Restore", detail: RestoreWarning.For(pair), color: Color.Warning))
        {
            return;
        }
        await GuardAsync("Requesting the restore", async () =>
        {
            var result = await Tasks.RequestAsync(pair.Id, DrTaskKind.Restore, archive.Id, User.ActorName(), Aborted);
            TaskRequestNotice.Show(Snackbar, result, pair.Describe());
        });
    }

    /// <summary>Queues a Verify task for one point; the list refreshes when it finishes (the feed above).</summary>
    private async Task VerifyAsync(Archive point)
    {
        if (!CanOperate || PairOf(point) is not { } pair || !_busy.Add(point.Id))
        {
            return;
        }
        try
        {
            await GuardAsync("Requesting the verify", async () =>
                TaskRequestNotice.Show(Snackbar, await Tasks.RequestAsync(pair.Id, DrTaskKind.Verify, point.Id, User.ActorName(), Aborted), point.Label));
        }
        finally
        {
            _busy.Remove(point.Id);
        }
    }

    private async Task VerifyAllAsync()
    {
        if (!CanOperate || _verifyingAll)
        {
            return;
        }
        _verifyingAll = true;
        try
        {
            await GuardAsync("Requesting the verify of every pair", async () =>
                VerifyAllNotice.Show(Snackbar, await Verification.RequestAllAsync(User.ActorName(), Aborted)));
        }
        finally
        {
            _verifyingAll = false;
        }
    }

    private async Task SetProtectionAsync(Archive archive, bool protect)
    {
        if (!CanOperate || !_busy.Add(archive.Id))
        {
            return;
        }
        try
        {
            await GuardAsync(protect ? "Protecting the archive" : "Lifting the protection", async () =>
            {
                var result = await Store.SetProtectionAsync(archive.Id, protect, User.ActorName(), Aborted);
                if (Report(result, protect
                        ? $"{archive.Label} is protected: retention keeps it."
                        : $"{archive.Label} is no longer protected: retention decides."))
                {
                    archive.IsProtected = result.Value!.IsProtected;
                }
            });
        }
        finally
        {
            _busy.Remove(archive.Id);
        }
    }

    private async Task DeleteAsync(Archive archive)
    {
        if (!CanOperate
            || !await Dialogs.ConfirmAsync("Delete archive", $"Delete {archive.Label} ({Display.Bytes(archive.SizeBytes)}) from the repository?",
                detail: (archive.IsProtected ? "It is protected from retention, but a delete removes it all the same. " : "")
                        + "The repository copy and its vzdump log are removed for good. Copies on the hosts, and VMs restored from it, stay."))
        {
            return;
        }
        await GuardAsync("Deleting the archive", async () =>
        {
            // A refusal typically says a queued or running task still needs it.
            Report(await Store.DeleteAsync(archive.Id, User.ActorName(), Aborted), $"Archive {archive.Label} deleted.");
        });
        await RefreshAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _feed?.Dispose();
        }
        base.Dispose(disposing);
    }
}
