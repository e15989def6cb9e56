using DrPortal.Core.Common;
using DrPortal.Core.Recovery;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Plans;

/// <summary>The recovery plans with their last run, the actions on them, and the recent runs of every kind.</summary>
public partial class PlansPage
{
    private List<RecoveryPlan> _plans = [];
    private List<DrRun> _runs = [];
    private Dictionary<int, DrRun> _lastRuns = [];
    private bool _loading = true;

    [Inject]
    private IRecoveryPlanStore Plans { get; set; } = default!;

    [Inject]
    private IDrRunService Runs { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    protected override Task LoadAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        _loading = true;
        await GuardAsync("Loading the plans", async () =>
        {
            _plans = [.. await Plans.ListAsync(Aborted)];
            _runs = [.. await Runs.ListAsync(null, null, 50, Aborted)];
            // Newest first: the first run of each plan is its last.
            _lastRuns = _runs.Where(r => r.RecoveryPlanId is not null).GroupBy(r => r.RecoveryPlanId!.Value).ToDictionary(g => g.Key, g => g.First());
        });
        _loading = false;
    }

    private async Task AddAsync()
    {
        var added = await Dialogs.ShowForResultAsync<PlanEditor, RecoveryPlan>("New recovery plan", new DialogParameters<PlanEditor>(), DialogServiceExtensions.MediumForm);
        if (added is not null)
        {
            Snackbar.Add($"Plan '{added.Name}' added.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(RecoveryPlan plan)
    {
        var saved = await Dialogs.ShowForResultAsync<PlanEditor, RecoveryPlan>($"Edit plan '{plan.Name}'",
            new DialogParameters<PlanEditor> { { d => d.Plan, plan } }, DialogServiceExtensions.MediumForm);
        if (saved is not null)
        {
            Snackbar.Add($"Plan '{saved.Name}' saved.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task RequestAsync(RecoveryPlan plan, DrRunKind kind)
    {
        var title = kind switch
        {
            DrRunKind.Drill => $"Drill '{plan.Name}'",
            DrRunKind.Failback => $"Fail back '{plan.Name}'",
            _ => $"Fail over '{plan.Name}'",
        };
        var parameters = new DialogParameters<RunRequestDialog> { { d => d.Kind, kind }, { d => d.Plan, plan } };
        if (await Dialogs.ShowForResultAsync<RunRequestDialog, DrRun>(title, parameters, DialogServiceExtensions.Small) is { } run)
        {
            Snackbar.Add($"{RunDisplay.KindLabel(run.Kind)} #{run.Id} of '{plan.Name}' queued.", Severity.Success);
            Navigation.NavigateTo($"runs/{run.Id}");
        }
    }

    private async Task DeleteAsync(RecoveryPlan plan)
    {
        if (!User.CanOperate()
            || !await Dialogs.ConfirmAsync("Delete recovery plan", $"Delete plan '{plan.Name}'?",
                detail: "Its pairs, their VMs and its past runs and reports stay; only the plan goes."))
        {
            return;
        }
        await GuardAsync("Deleting the plan", async () => Report(await Plans.DeleteAsync(plan.Id, User.ActorName(), Aborted), $"Plan '{plan.Name}' deleted."));
        await ReloadAsync();
    }
}
