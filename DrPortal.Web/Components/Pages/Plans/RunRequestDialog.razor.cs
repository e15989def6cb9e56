using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Plans;

public partial class RunRequestDialog
{
    private readonly FormErrors _errors = new();
    private int _keepMinutes;
    private DrRunKind _mode = DrRunKind.PlannedFailover;
    private FailbackTarget _target = FailbackTarget.Original;
    private bool _confirmOverwrite;
    private bool _shutdown;
    private string? _confirm;
    private string? _failure;
    private bool _busy;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IDrRunService Runs { get; set; } = default!;

    /// <summary>Drill, PlannedFailover (either failover: the dialog asks which) or Failback.</summary>
    [Parameter, EditorRequired]
    public DrRunKind Kind { get; set; }

    [Parameter]
    public RecoveryPlan? Plan { get; set; }

    /// <summary>A single pair's drill, when no plan is given.</summary>
    [Parameter]
    public VmPair? Pair { get; set; }

    private string ActionText => Kind switch
    {
        DrRunKind.Drill => "Start drill",
        DrRunKind.Failback => "Fail back",
        _ => "Fail over",
    };

    /// <summary>The typed name must match before the button wakes up; the service compares it again.</summary>
    private bool CanRequest => !_busy && (Kind == DrRunKind.Drill
        ? User.CanOperate()
        : User.CanAdminister() && _confirm == Plan?.Name && (Kind != DrRunKind.Failback || _target == FailbackTarget.NewVm || _confirmOverwrite));

    private async Task RequestAsync()
    {
        if (!CanRequest)
        {
            return;
        }
        _busy = true;
        _failure = null;
        await GuardAsync("Requesting the run", async () =>
        {
            var actor = User.ActorName();
            var result = Kind switch
            {
                DrRunKind.Drill when Plan is not null => await Runs.DrillPlanAsync(Plan.Id, new DrRunRequest(KeepScratchMinutes: _keepMinutes), actor, Aborted),
                DrRunKind.Drill => await Runs.DrillPairAsync(Pair!.Id, new DrRunRequest(KeepScratchMinutes: _keepMinutes), actor, Aborted),
                DrRunKind.Failback => await Runs.FailbackAsync(Plan!.Id, new DrRunRequest(Confirm: _confirm, FailbackTarget: _target, ConfirmOverwrite: _confirmOverwrite), actor, Aborted),
                _ => await Runs.FailoverAsync(Plan!.Id, _mode, new DrRunRequest(Confirm: _confirm, ShutdownSources: _mode == DrRunKind.PlannedFailover && _shutdown), actor, Aborted),
            };
            if (result.IsOk)
            {
                Dialog.Close(DialogResult.Ok(result.Value!));
                return;
            }
            _errors.Set(result.Errors);
            _failure = result.Status == ResultStatus.Invalid ? null : Display.Refusal(result);
        });
        _busy = false;
    }
}
