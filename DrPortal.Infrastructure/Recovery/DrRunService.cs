using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Recovery;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Recovery;

/// <summary>
/// Checks a drill, failover or failback request and writes the run, its groups and one child task per VM in one
/// transaction (the children's active keys make "one switchover of a pair at a time" a database guarantee), then hands
/// the ids to the executors.
/// </summary>
internal sealed class DrRunService(
    IDbContextFactory<DrPortalDbContext> contexts, IClock clock, IJobQueue jobs, IRunQueue runs, ITaskService tasks, ITaskFeed feed) : IDrRunService
{
    private const string EntityType = "DrRun";

    public async Task<Result<DrRun>> DrillPlanAsync(int planId, DrRunRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await LoadPlanAsync(db, planId, ct);
        if (plan is null)
        {
            return Result<DrRun>.NotFound($"Recovery plan {planId} does not exist.");
        }
        return await CreateAsync(db, DrRunKind.Drill, plan, null, request, actor, ct);
    }

    public async Task<Result<DrRun>> DrillPairAsync(int pairId, DrRunRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return Result<DrRun>.NotFound($"VM pair {pairId} does not exist.");
        }
        // A single pair's drill is a plan of one group of one VM.
        var plan = new RecoveryPlan
        {
            Name = pair.Describe(),
            Groups = [new RecoveryPlanGroup { Position = 0, Members = [new RecoveryPlanMember { VmPairId = pair.Id, VmPair = pair }] }],
        };
        return await CreateAsync(db, DrRunKind.Drill, plan, pair, request, actor, ct);
    }

    public async Task<Result<DrRun>> FailoverAsync(int planId, DrRunKind kind, DrRunRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (kind is not (DrRunKind.PlannedFailover or DrRunKind.DisasterFailover))
        {
            return Result<DrRun>.Invalid("mode", "A failover is planned or disaster.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await LoadPlanAsync(db, planId, ct);
        return plan is null
            ? Result<DrRun>.NotFound($"Recovery plan {planId} does not exist.")
            : await CreateAsync(db, kind, plan, null, request, actor, ct);
    }

    public async Task<Result<DrRun>> FailbackAsync(int planId, DrRunRequest request, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await LoadPlanAsync(db, planId, ct);
        return plan is null
            ? Result<DrRun>.NotFound($"Recovery plan {planId} does not exist.")
            : await CreateAsync(db, DrRunKind.Failback, plan, null, request, actor, ct);
    }

    public async Task<Result<DrRun>> CancelAsync(long runId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.DrRuns.Include(r => r.Tasks).FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return Result<DrRun>.NotFound($"Run {runId} does not exist.");
        }
        if (run.IsFinished)
        {
            return Result<DrRun>.Conflict($"Run {runId} has already finished ({run.Status}).");
        }
        run.CancelRequested = true;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "cancel", EntityType, runId.ToString(CultureInfo.InvariantCulture), $"Asked to cancel {Describe(run)}", null, null));
        await db.SaveChangesAsync(ct);
        foreach (var child in run.Tasks.Where(t => !t.IsFinished))
        {
            await tasks.CancelAsync(child.Id, actor, ct);
        }
        return Result<DrRun>.Ok(run);
    }

    public async Task<IReadOnlyList<DrRun>> ListAsync(int? planId, int? pairId, int take, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.DrRuns.AsNoTracking().Include(r => r.Groups).Include(r => r.Tasks).AsSplitQuery().AsQueryable();
        if (planId is { } plan)
        {
            q = q.Where(r => r.RecoveryPlanId == plan);
        }
        if (pairId is { } pair)
        {
            q = q.Where(r => r.Tasks.Any(t => t.VmPairId == pair));
        }
        return await q.OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct);
    }

    public async Task<DrRun?> FindAsync(long runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.DrRuns.AsNoTracking().Include(r => r.Groups.OrderBy(g => g.Position))
            .Include(r => r.Tasks).ThenInclude(t => t.Stages).AsSplitQuery().FirstOrDefaultAsync(r => r.Id == runId, ct);
    }

    private static Task<RecoveryPlan?> LoadPlanAsync(DrPortalDbContext db, int planId, CancellationToken ct) =>
        db.RecoveryPlans.AsNoTracking()
            .Include(p => p.Groups).ThenInclude(g => g.Members).ThenInclude(m => m.VmPair!).ThenInclude(v => v.SourceHypervisor)
            .Include(p => p.Groups).ThenInclude(g => g.Members).ThenInclude(m => m.VmPair!).ThenInclude(v => v.TargetHypervisor)
            .AsSplitQuery().FirstOrDefaultAsync(p => p.Id == planId, ct);

    private async Task<Result<DrRun>> CreateAsync(DrPortalDbContext db, DrRunKind kind, RecoveryPlan plan, VmPair? single, DrRunRequest request, string actor, CancellationToken ct)
    {
        var members = plan.Members.ToList();
        if (members.Count == 0)
        {
            return Result<DrRun>.Invalid("plan", $"Recovery plan '{plan.Name}' has no VM pairs.");
        }
        var pairIds = members.Select(m => m.VmPairId).ToList();
        if (await CheckAsync(db, kind, plan, members, request, ct) is { } refused)
        {
            return refused;
        }
        var run = new DrRun
        {
            Kind = kind,
            RecoveryPlanId = single is null ? plan.Id : null,
            VmPairId = single?.Id,
            Label = TextRules.Shorten(plan.Name, DrRun.LabelMaxLength),
            Status = DrRunStatus.Queued,
            RequestedBy = actor,
            CreatedAt = clock.UtcNow,
            ShutdownSources = kind == DrRunKind.PlannedFailover && request.ShutdownSources,
            FailbackTarget = request.FailbackTarget,
            KeepScratchMinutes = kind == DrRunKind.Drill ? request.KeepScratchMinutes : 0,
            Groups = plan.Groups.OrderBy(g => g.Position).Select((g, i) => new DrRunGroup
            {
                Position = i,
                Title = g.Title,
                TimeoutSeconds = g.TimeoutSeconds,
                PreHook = g.PreHook,
                PostHook = g.PostHook,
                HookHypervisorId = g.HookHypervisorId,
            }).ToList(),
        };
        var taskKind = DrRun.TaskKindOf(kind);
        foreach (var (group, position) in plan.Groups.OrderBy(g => g.Position).Select((g, i) => (g, i)))
        {
            foreach (var member in group.Members.OrderBy(m => m.Position))
            {
                var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstAsync(p => p.Id == member.VmPairId, ct);
                var child = DrTask.Create(taskKind, pair, actor, clock.UtcNow);
                child.PairLabel = kind == DrRunKind.Failback ? Reversed(pair) : pair.Describe();
                child.RunGroupPosition = position;
                child.DelaySeconds = member.DelaySeconds;
                run.Tasks.Add(child);
            }
        }
        db.DrRuns.Add(run);
        var saved = await Persist.SaveAsync(db, run,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, $"request-{Action(kind)}", EntityType, run.Id.ToString(CultureInfo.InvariantCulture),
                $"Requested {Describe(run)} of {run.Tasks.Count} VM(s): {string.Join(", ", run.Tasks.Select(t => t.PairLabel))}", null,
                new { run.Kind, run.ShutdownSources, run.FailbackTarget, run.KeepScratchMinutes, Pairs = pairIds })),
            () => Result<DrRun>.Conflict(kind == DrRunKind.Drill
                ? "A pair of this plan is already in a drill that has not ended; wait for it or cancel it."
                : "A pair of this plan is already in a failover or failback that has not ended; wait for it or cancel it."), ct);
        if (!saved.IsOk)
        {
            return saved;
        }
        foreach (var child in run.Tasks)
        {
            feed.Publish(TaskUpdate.Of(child));
        }
        runs.Enqueue(run.Id);
        foreach (var child in run.Tasks)
        {
            jobs.Enqueue(child.Id);
        }
        return Result<DrRun>.Ok(run);
    }

    /// <summary>Every reason the run cannot start, before anything is written.</summary>
    private static async Task<Result<DrRun>?> CheckAsync(DrPortalDbContext db, DrRunKind kind, RecoveryPlan plan, List<RecoveryPlanMember> members,
        DrRunRequest request, CancellationToken ct)
    {
        var pairs = members.Select(m => m.VmPair!).ToList();
        if (kind != DrRunKind.Drill && request.Confirm != plan.Name)
        {
            return Result<DrRun>.Invalid("confirm", $"Type the plan's name '{plan.Name}' exactly to confirm the {Action(kind)}.");
        }
        if (kind == DrRunKind.Drill && request.KeepScratchMinutes is < 0 or > DrRun.MaxKeepScratchMinutes)
        {
            return Result<DrRun>.Invalid("keepScratchMinutes", $"Between 0 and {DrRun.MaxKeepScratchMinutes} minutes.");
        }
        if (kind == DrRunKind.Failback)
        {
            if (!Enum.IsDefined(request.FailbackTarget))
            {
                return Result<DrRun>.Invalid("failbackTarget", "Original or NewVm.");
            }
            if (request.FailbackTarget == FailbackTarget.Original && !request.ConfirmOverwrite)
            {
                return Result<DrRun>.Invalid("confirmOverwrite",
                    $"A failback over the original VMs replaces them ({string.Join(", ", pairs.Select(p => $"{p.SourceHypervisor?.Name}/{p.SourceVm}"))}); confirm the overwrite, or fail back into new VMs.");
            }
            var notFailedOver = pairs.Where(p => p.Direction != PairDirection.FailedOver).ToList();
            if (notFailedOver.Count > 0)
            {
                return Result<DrRun>.Conflict($"Only a failed-over pair can fail back; these run on the primary site: {string.Join(", ", notFailedOver.Select(p => p.Describe()))}.");
            }
        }
        if (kind is DrRunKind.PlannedFailover or DrRunKind.DisasterFailover)
        {
            var already = pairs.Where(p => p.Direction == PairDirection.FailedOver).ToList();
            if (already.Count > 0)
            {
                return Result<DrRun>.Conflict($"Already failed over (their service runs on the recovery site): {string.Join(", ", already.Select(p => p.Describe()))}. Fail back first.");
            }
        }
        if (kind is DrRunKind.Drill or DrRunKind.DisasterFailover)
        {
            // Neither copies anything new: each VM needs a restore point the portal holds verified.
            var ids = pairs.Select(p => p.Id).ToList();
            var withPoint = await db.Archives.Where(a => a.VmPairId != null && ids.Contains(a.VmPairId.Value)).WhereVerified()
                .Select(a => a.VmPairId!.Value).Distinct().ToListAsync(ct);
            var without = pairs.Where(p => !withPoint.Contains(p.Id)).ToList();
            if (without.Count > 0)
            {
                return Result<DrRun>.Conflict($"No verified restore point yet for {string.Join(", ", without.Select(p => p.Describe()))}; replicate {(without.Count == 1 ? "it" : "them")} first.");
            }
        }
        if (kind != DrRunKind.Drill)
        {
            // A failover or failback replaces or starts the replica: a replication of the same pair must not run beside it.
            var ids = pairs.Select(p => p.Id).ToList();
            var busy = await db.Tasks.Where(t => t.VmPairId != null && ids.Contains(t.VmPairId.Value) && t.ActiveKey != null && t.DrRunId == null)
                .Select(t => new { t.Id, t.Kind, t.PairLabel }).ToListAsync(ct);
            if (busy.Count > 0)
            {
                return Result<DrRun>.Conflict($"Tasks of these pairs are queued or running: {string.Join(", ", busy.Select(b => $"#{b.Id} {b.Kind} {b.PairLabel}"))}; wait for them or cancel them first.");
            }
        }
        return null;
    }

    private static string Action(DrRunKind kind) => kind switch
    {
        DrRunKind.Drill => "drill",
        DrRunKind.PlannedFailover => "planned-failover",
        DrRunKind.DisasterFailover => "disaster-failover",
        _ => "failback",
    };

    internal static string Describe(DrRun run) => $"{Action(run.Kind).Replace('-', ' ')} #{run.Id} of '{run.Label}'";

    private static string Reversed(VmPair pair) =>
        $"{pair.TargetHypervisor?.Name}/{pair.TargetVm} → {pair.SourceHypervisor?.Name}/{pair.SourceVm}";
}
