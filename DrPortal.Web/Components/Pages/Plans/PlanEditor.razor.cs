using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Plans;

public partial class PlanEditor
{
    private readonly FormErrors _errors = new();
    private readonly Dictionary<int, int?> _adding = [];
    private RecoveryPlanInput _input = new() { Groups = [new RecoveryPlanGroupInput()] };
    private List<VmPair> _pairs = [];
    private List<Hypervisor> _hosts = [];
    private Dictionary<int, PairProtection> _protection = [];
    private string? _failure;
    private bool _loading = true;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IRecoveryPlanStore Plans { get; set; } = default!;

    [Inject]
    private IVmPairStore PairStore { get; set; } = default!;

    [Inject]
    private IHypervisorStore HostStore { get; set; } = default!;

    [Inject]
    private IPairProtection Protection { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>The plan to edit; null adds a new one.</summary>
    [Parameter]
    public RecoveryPlan? Plan { get; set; }

    private bool IsAdmin => User.CanAdminister();

    private string HookHelp => IsAdmin ? "Run by sh on the recovery host; non-zero fails the group." : "Admins only: hooks run commands on a recovery host.";

    protected override async Task LoadAsync()
    {
        if (Plan is not null)
        {
            _input = RecoveryPlanInput.From(Plan);
        }
        try
        {
            _pairs = [.. await PairStore.ListAsync(Aborted)];
            _hosts = [.. await HostStore.ListAsync(Aborted)];
            _protection = (await Protection.ListAsync(Aborted)).ToDictionary(p => p.PairId);
        }
        finally
        {
            _loading = false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private VmPair? PairById(int id) => _pairs.FirstOrDefault(p => p.Id == id);

    private string PairLabel(int? id) => id is { } value ? PairById(value)?.Describe() ?? $"pair #{value}" : "";

    /// <summary>A pair is in a plan once: the pick lists only the pairs not in any group yet.</summary>
    private IEnumerable<VmPair> Candidates() =>
        _pairs.Where(p => _input.Groups.All(g => g.Members.All(m => m.VmPairId != p.Id)));

    /// <summary>Errors are keyed by position; once the structure changes they point at the wrong rows, so they go.</summary>
    private void StructureChanged()
    {
        _errors.Clear();
        _adding.Clear();
    }

    private void AddGroup()
    {
        _input.Groups.Add(new RecoveryPlanGroupInput());
        StructureChanged();
    }

    private void RemoveGroup(int index)
    {
        _input.Groups.RemoveAt(index);
        StructureChanged();
    }

    private void MoveGroup(int index, int by)
    {
        var to = index + by;
        if (to < 0 || to >= _input.Groups.Count)
        {
            return;
        }
        (_input.Groups[index], _input.Groups[to]) = (_input.Groups[to], _input.Groups[index]);
        StructureChanged();
    }

    private void AddMember(int groupIndex)
    {
        if (_adding.GetValueOrDefault(groupIndex) is not { } pairId)
        {
            return;
        }
        _input.Groups[groupIndex].Members.Add(new RecoveryPlanMemberInput { VmPairId = pairId });
        StructureChanged();
    }

    private void RemoveMember(int groupIndex, int memberIndex)
    {
        _input.Groups[groupIndex].Members.RemoveAt(memberIndex);
        StructureChanged();
    }

    /// <summary>Every field the form shows an error beside; the rest go into an alert at the top.</summary>
    private string[] ShownFields()
    {
        var fields = new List<string> { "name", "description", "groups" };
        for (var gi = 0; gi < _input.Groups.Count; gi++)
        {
            var at = $"groups[{gi}]";
            fields.AddRange([$"{at}.name", $"{at}.timeoutSeconds", $"{at}.preHook", $"{at}.postHook", $"{at}.members"]);
            if (_input.Groups[gi] is { } g && (g.PreHook is not null || g.PostHook is not null || g.HookHypervisorId is not null))
            {
                fields.Add($"{at}.hookHypervisorId");
            }
            for (var mi = 0; mi < _input.Groups[gi].Members.Count; mi++)
            {
                fields.AddRange([$"{at}.members[{mi}]", $"{at}.members[{mi}].vmPairId", $"{at}.members[{mi}].delaySeconds"]);
            }
        }
        return [.. fields];
    }

    private async Task SaveAsync()
    {
        if (!User.CanOperate())
        {
            _failure = "Viewers cannot change recovery plans.";
            return;
        }
        _saving = true;
        _failure = null;
        _failure = await SaveFormAsync("Saving the plan", Dialog, _errors, async () => Plan is null
                ? await Plans.CreateAsync(_input, User.ActorName(), IsAdmin, Aborted)
                : await Plans.UpdateAsync(Plan.Id, _input, User.ActorName(), IsAdmin, Aborted));
        _saving = false;
    }
}
