using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Recovery;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class RecoveryPlanStore(IDbContextFactory<DrPortalDbContext> contexts, IClock clock) : IRecoveryPlanStore
{
    private const string EntityType = "RecoveryPlan";

    public async Task<IReadOnlyList<RecoveryPlan>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Plans(db).OrderBy(p => p.Name).ToListAsync(ct);
    }

    public async Task<RecoveryPlan?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Plans(db).FirstOrDefaultAsync(p => p.Id == id, ct);
    }

    public async Task<Result<RecoveryPlan>> CreateAsync(RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await ValidateAsync(db, input, actorIsAdmin, null, ct) is { } invalid)
        {
            return invalid;
        }
        var plan = new RecoveryPlan { CreatedAt = clock.UtcNow, UpdatedAt = clock.UtcNow };
        input.ApplyTo(plan);
        db.RecoveryPlans.Add(plan);
        var result = await Persist.SaveAsync(db, plan,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", EntityType, plan.Id.ToString(CultureInfo.InvariantCulture),
                $"Added recovery plan '{plan.Name}' ({plan.Groups.Sum(g => g.Members.Count)} VMs in {plan.Groups.Count} groups)", null, plan.AuditSnapshot())),
            () => NameTaken(input), ct);
        return result.IsOk ? Result<RecoveryPlan>.Ok((await FindAsync(plan.Id, ct))!) : result;
    }

    public async Task<Result<RecoveryPlan>> UpdateAsync(int id, RecoveryPlanInput input, string actor, bool actorIsAdmin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await db.RecoveryPlans.Include(p => p.Groups).ThenInclude(g => g.Members).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return Result<RecoveryPlan>.NotFound($"Recovery plan {id} does not exist.");
        }
        if (await ValidateAsync(db, input, actorIsAdmin, plan, ct) is { } invalid)
        {
            return invalid;
        }
        if (await db.DrRuns.AnyAsync(r => r.RecoveryPlanId == id && (r.Status == DrRunStatus.Queued || r.Status == DrRunStatus.Running), ct))
        {
            return Result<RecoveryPlan>.Conflict($"Recovery plan '{plan.Name}' is running; change it when the run has ended.");
        }
        var before = plan.AuditSnapshot();
        db.RemoveRange(plan.Groups);
        input.ApplyTo(plan);
        plan.UpdatedAt = clock.UtcNow;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", EntityType, id.ToString(CultureInfo.InvariantCulture), $"Changed recovery plan '{plan.Name}'", before, plan.AuditSnapshot()));
        var result = await Persist.SaveAsync(db, plan, null, () => NameTaken(input), ct);
        return result.IsOk ? Result<RecoveryPlan>.Ok((await FindAsync(id, ct))!) : result;
    }

    public async Task<Result<RecoveryPlan>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await db.RecoveryPlans.Include(p => p.Groups).ThenInclude(g => g.Members).AsSplitQuery().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return Result<RecoveryPlan>.NotFound($"Recovery plan {id} does not exist.");
        }
        if (await db.DrRuns.AnyAsync(r => r.RecoveryPlanId == id && (r.Status == DrRunStatus.Queued || r.Status == DrRunStatus.Running), ct))
        {
            return Result<RecoveryPlan>.Conflict($"Recovery plan '{plan.Name}' is running; delete it when the run has ended.");
        }
        db.RecoveryPlans.Remove(plan);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(CultureInfo.InvariantCulture), $"Deleted recovery plan '{plan.Name}'", plan.AuditSnapshot(), null));
        await db.SaveChangesAsync(ct);
        return Result<RecoveryPlan>.Ok(plan);
    }

    private static async Task<Result<RecoveryPlan>?> ValidateAsync(DrPortalDbContext db, RecoveryPlanInput input, bool actorIsAdmin, RecoveryPlan? current, CancellationToken ct)
    {
        var pairIds = (await db.VmPairs.Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        var hosts = await db.Hypervisors.AsNoTracking().ToListAsync(ct);
        var errors = input.Validate(pairIds, hosts, actorIsAdmin, current);
        if (!errors.Has("name") && input.Name is { } name
            && await db.RecoveryPlans.AnyAsync(p => p.Name == name.Trim() && p.Id != (current == null ? 0 : current.Id), ct))
        {
            errors.Add("name", NameTakenMessage(name));
        }
        return errors.IsEmpty ? null : Result<RecoveryPlan>.Invalid(errors);
    }

    private static Result<RecoveryPlan> NameTaken(RecoveryPlanInput input) => Result<RecoveryPlan>.Invalid("name", NameTakenMessage(input.Name ?? ""));

    private static string NameTakenMessage(string name) => $"A recovery plan named '{name.Trim()}' already exists; plan names are typed to confirm a failover, so each names one plan.";

    /// <summary>Plans with their groups, members and the members' pairs with hosts, in order.</summary>
    internal static IQueryable<RecoveryPlan> Plans(DrPortalDbContext db) =>
        db.RecoveryPlans.AsNoTracking()
            .Include(p => p.Groups.OrderBy(g => g.Position)).ThenInclude(g => g.Members.OrderBy(m => m.Position)).ThenInclude(m => m.VmPair!).ThenInclude(v => v.SourceHypervisor)
            .Include(p => p.Groups).ThenInclude(g => g.Members).ThenInclude(m => m.VmPair!).ThenInclude(v => v.TargetHypervisor)
            .AsSplitQuery();
}
