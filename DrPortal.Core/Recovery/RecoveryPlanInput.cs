using DrPortal.Core.Common;
using DrPortal.Core.Hosts;

namespace DrPortal.Core.Recovery;

/// <summary>What a user submits to create or edit a recovery plan, before validation.</summary>
public sealed record RecoveryPlanInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }

    /// <summary>In start order: the first group starts first.</summary>
    public List<RecoveryPlanGroupInput> Groups { get; set; } = [];

    public const int MaxGroups = 20;

    public static RecoveryPlanInput From(RecoveryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new()
        {
            Name = plan.Name,
            Description = plan.Description,
            Groups = plan.Groups.OrderBy(g => g.Position).Select(g => new RecoveryPlanGroupInput
            {
                Name = g.Name,
                TimeoutSeconds = g.TimeoutSeconds,
                PreHook = g.PreHook,
                PostHook = g.PostHook,
                HookHypervisorId = g.HookHypervisorId,
                Members = g.Members.OrderBy(m => m.Position).Select(m => new RecoveryPlanMemberInput { VmPairId = m.VmPairId, DelaySeconds = m.DelaySeconds }).ToList(),
            }).ToList(),
        };
    }

    /// <param name="pairIds">The pairs that exist.</param>
    /// <param name="hosts">The hosts, for the hooks' host.</param>
    /// <param name="actorIsAdmin">Hooks run commands on a recovery host: only an admin may set or change them.</param>
    /// <param name="current">The plan as stored, when editing.</param>
    public ValidationErrors Validate(IReadOnlySet<int> pairIds, IReadOnlyList<Hypervisor> hosts, bool actorIsAdmin, RecoveryPlan? current)
    {
        ArgumentNullException.ThrowIfNull(pairIds);
        ArgumentNullException.ThrowIfNull(hosts);
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "A plan needs a name (it is typed to confirm a failover).");
        }
        else if (Name.Trim().Length > RecoveryPlan.NameMaxLength || TextRules.HasControlCharacters(Name))
        {
            errors.Add("name", $"At most {RecoveryPlan.NameMaxLength} characters, no control characters.");
        }
        if (Description is { Length: > RecoveryPlan.DescriptionMaxLength })
        {
            errors.Add("description", $"At most {RecoveryPlan.DescriptionMaxLength} characters.");
        }
        if (Groups is null || Groups.Count == 0)
        {
            errors.Add("groups", "A plan needs at least one group with a VM pair.");
            return errors;
        }
        if (Groups.Count > MaxGroups)
        {
            errors.Add("groups", $"At most {MaxGroups} groups.");
        }
        var seen = new HashSet<int>();
        var currentHooks = current?.Groups.OrderBy(g => g.Position).Select(g => (g.PreHook, g.PostHook, g.HookHypervisorId)).ToList() ?? [];
        for (var gi = 0; gi < Groups.Count; gi++)
        {
            var group = Groups[gi];
            var at = $"groups[{gi}]";
            if (group is null)
            {
                errors.Add(at, "Missing.");
                continue;
            }
            if (group.Name is { } name && (name.Trim().Length is 0 or > 100 || TextRules.HasControlCharacters(name)))
            {
                errors.Add($"{at}.name", "1 to 100 characters, no control characters (or leave it empty).");
            }
            if (group.TimeoutSeconds is < RecoveryPlanGroup.MinTimeoutSeconds or > RecoveryPlanGroup.MaxTimeoutSeconds)
            {
                errors.Add($"{at}.timeoutSeconds", $"Between {RecoveryPlanGroup.MinTimeoutSeconds} and {RecoveryPlanGroup.MaxTimeoutSeconds} seconds.");
            }
            foreach (var (field, hook) in new[] { ("preHook", group.PreHook), ("postHook", group.PostHook) })
            {
                if (hook is not null && (hook.Length > RecoveryPlanGroup.HookMaxLength || string.IsNullOrWhiteSpace(hook) || hook.Any(c => char.IsControl(c) && c != '\t')))
                {
                    errors.Add($"{at}.{field}", $"One line of at most {RecoveryPlanGroup.HookMaxLength} characters, no control characters.");
                }
            }
            if (group.HookHypervisorId is { } hostId && hosts.FirstOrDefault(h => h.Id == hostId) is var host && (host is null || host.Site != Site.Recovery))
            {
                errors.Add($"{at}.hookHypervisorId", host is null ? $"Host #{hostId} does not exist." : $"Hooks run on a recovery-site host; {host.Name} is on the primary site.");
            }
            var before = gi < currentHooks.Count ? currentHooks[gi] : (null, null, null);
            if (!actorIsAdmin && (group.PreHook, group.PostHook, group.HookHypervisorId) != before)
            {
                errors.Add($"{at}.preHook", "Only an admin may set or change hooks: they run commands on a recovery host.");
            }
            if (group.Members is null || group.Members.Count == 0)
            {
                errors.Add($"{at}.members", "A group needs at least one VM pair.");
                continue;
            }
            for (var mi = 0; mi < group.Members.Count; mi++)
            {
                var member = group.Members[mi];
                var mat = $"{at}.members[{mi}]";
                if (member is null)
                {
                    errors.Add(mat, "Missing.");
                    continue;
                }
                if (!pairIds.Contains(member.VmPairId))
                {
                    errors.Add($"{mat}.vmPairId", $"Pair #{member.VmPairId} does not exist.");
                }
                else if (!seen.Add(member.VmPairId))
                {
                    errors.Add($"{mat}.vmPairId", $"Pair #{member.VmPairId} is already in this plan; a pair is in a plan once.");
                }
                if (member.DelaySeconds is < 0 or > RecoveryPlanMember.MaxDelaySeconds)
                {
                    errors.Add($"{mat}.delaySeconds", $"Between 0 and {RecoveryPlanMember.MaxDelaySeconds} seconds.");
                }
            }
        }
        return errors;
    }

    /// <summary>Replaces the plan's name, description and groups with this input's (validated first).</summary>
    public void ApplyTo(RecoveryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Name = Name!.Trim();
        plan.Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        plan.Groups.Clear();
        for (var gi = 0; gi < Groups.Count; gi++)
        {
            var g = Groups[gi];
            plan.Groups.Add(new RecoveryPlanGroup
            {
                Position = gi,
                Name = string.IsNullOrWhiteSpace(g.Name) ? null : g.Name.Trim(),
                TimeoutSeconds = g.TimeoutSeconds,
                PreHook = g.PreHook,
                PostHook = g.PostHook,
                HookHypervisorId = g.HookHypervisorId,
                Members = g.Members.Select((m, mi) => new RecoveryPlanMember { VmPairId = m.VmPairId, DelaySeconds = m.DelaySeconds, Position = mi }).ToList(),
            });
        }
    }
}
