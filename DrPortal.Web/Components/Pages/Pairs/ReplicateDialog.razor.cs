using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Pairs;

public sealed partial class ReplicateDialog : IDisposable
{
    private readonly CancellationTokenSource _closed = new();
    private PreflightReport? _report;
    private string? _failure;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IPairPreflight Preflight { get; set; } = default!;

    [Parameter, EditorRequired]
    public VmPair Pair { get; set; } = default!;

    private string Question =>
        $"Back up VM {Pair.SourceVm}{(Pair.SourceVmName is { } name ? $" ({name})" : "")} on {Pair.SourceHypervisor?.Name ?? $"host #{Pair.SourceHypervisorId}"} " +
        $"and restore it into {RestoreWarning.Target(Pair)}?";

    private Severity TargetSeverity => _report?.Target switch
    {
        TargetFate.Created or TargetFate.ReplacesOwnReplica => Severity.Info,
        TargetFate.ReplacesOther => Severity.Warning,
        _ => Severity.Error,
    };

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _report = await Preflight.CheckAsync(Pair.Id, DrTaskKind.Replicate, null, _closed.Token);
            _failure = _report is null ? "the pair no longer exists" : null;
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException or InvalidOperationException)
        {
            _failure = ex.Message;
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // The dialog was closed while the sites were asked.
        }
    }

    private static string Icon(PreflightStatus status) => status switch
    {
        PreflightStatus.Passed => Icons.Material.Filled.CheckCircle,
        PreflightStatus.Warning => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Cancel,
    };

    private static Color Colour(PreflightStatus status) => status switch
    {
        PreflightStatus.Passed => Color.Success,
        PreflightStatus.Warning => Color.Warning,
        _ => Color.Error,
    };

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
    }
}
