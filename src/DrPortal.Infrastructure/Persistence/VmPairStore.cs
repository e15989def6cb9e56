using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class VmPairStore(IDbContextFactory<DrPortalDbContext> contexts, IClock clock) : IVmPairStore
{
    private const string EntityType = "VmPair";

    public async Task<IReadOnlyList<VmPair>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await WithHosts(db).OrderBy(p => p.Id).ToListAsync(ct);
    }

    public async Task<VmPair?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await WithHosts(db).FirstOrDefaultAsync(p => p.Id == id, ct);
    }

    public async Task<Result<VmPair>> CreateAsync(VmPairInput input, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var invalid = await ValidateAsync(db, input, null, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        var pair = new VmPair { CreatedAt = clock.UtcNow, UpdatedAt = clock.UtcNow };
        pair.Apply(input);
        await NameHostsAsync(db, pair, ct);
        db.VmPairs.Add(pair);
        var result = await Persist.SaveAsync(db, pair,
            () => db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", EntityType, pair.Id.ToString(CultureInfo.InvariantCulture), $"Added pair {pair.Describe()}", null, pair.AuditSnapshot())),
            () => TargetTaken(input), ct);
        return result.IsOk ? Result<VmPair>.Ok((await FindAsync(pair.Id, ct))!) : result;
    }

    public async Task<Result<VmPair>> UpdateAsync(int id, VmPairInput input, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pair is null)
        {
            return Result<VmPair>.NotFound($"VM pair {id} does not exist.");
        }
        var invalid = await ValidateAsync(db, input, id, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        if (await ActiveTasksAsync(db, id, ct) is { } busy)
        {
            return busy;
        }
        await NameHostsAsync(db, pair, ct);
        var before = pair.AuditSnapshot();
        var was = pair.Describe();
        pair.Apply(input);
        pair.UpdatedAt = clock.UtcNow;
        await NameHostsAsync(db, pair, ct);
        var now = pair.Describe();
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", EntityType, id.ToString(CultureInfo.InvariantCulture),
            was == now ? $"Changed pair {now}" : $"Changed pair {was}, now {now}", before, pair.AuditSnapshot()));
        var result = await Persist.SaveAsync(db, pair, null, () => TargetTaken(input), ct);
        return result.IsOk ? Result<VmPair>.Ok((await FindAsync(id, ct))!) : result;
    }

    public async Task<Result<VmPair>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pair = await WithHosts(db, tracking: true).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pair is null)
        {
            return Result<VmPair>.NotFound($"VM pair {id} does not exist.");
        }
        if (await ActiveTasksAsync(db, id, ct) is { } busy)
        {
            return busy;
        }
        db.VmPairs.Remove(pair);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(CultureInfo.InvariantCulture), $"Deleted pair {pair.Describe()}", pair.AuditSnapshot(), null));
        await db.SaveChangesAsync(ct);
        return Result<VmPair>.Ok(pair);
    }

    /// <summary>Sets the pair's hosts from the context, so its audit entries name hosts rather than ids.</summary>
    private static async Task NameHostsAsync(DrPortalDbContext db, VmPair pair, CancellationToken ct)
    {
        pair.SourceHypervisor = await db.Hypervisors.FindAsync([pair.SourceHypervisorId], ct) ?? pair.SourceHypervisor;
        pair.TargetHypervisor = await db.Hypervisors.FindAsync([pair.TargetHypervisorId], ct) ?? pair.TargetHypervisor;
    }

    /// <summary>A pair with a queued or running task cannot change under it.</summary>
    private static async Task<Result<VmPair>?> ActiveTasksAsync(DrPortalDbContext db, int pairId, CancellationToken ct)
    {
        var active = await db.Tasks.Where(t => t.VmPairId == pairId && t.ActiveKey != null).Select(t => t.Id).ToListAsync(ct);
        return active.Count == 0
            ? null
            : Result<VmPair>.Conflict($"VM pair {pairId} has queued or running task(s) {string.Join(", ", active.Select(a => $"#{a}"))}; wait for them or cancel them first.");
    }

    private static IQueryable<VmPair> WithHosts(DrPortalDbContext db, bool tracking = false)
    {
        var q = db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor);
        return tracking ? q : q.AsNoTracking();
    }

    private static async Task<Result<VmPair>?> ValidateAsync(DrPortalDbContext db, VmPairInput input, int? selfId, CancellationToken ct)
    {
        var source = await db.Hypervisors.AsNoTracking().FirstOrDefaultAsync(h => h.Id == input.SourceHypervisorId, ct);
        var target = await db.Hypervisors.AsNoTracking().FirstOrDefaultAsync(h => h.Id == input.TargetHypervisorId, ct);
        var errors = input.Validate(source, target);
        if (!errors.IsEmpty)
        {
            return Result<VmPair>.Invalid(errors);
        }
        if (await db.VmPairs.AnyAsync(p => p.TargetHypervisorId == input.TargetHypervisorId && p.TargetVmId == input.TargetVmId && p.Id != selfId, ct))
        {
            return TargetTaken(input);
        }
        return null;
    }

    private static Result<VmPair> TargetTaken(VmPairInput input) =>
        Result<VmPair>.Invalid(nameof(VmPairInput.TargetVmId),
            $"VMID {input.TargetVmId} on the target host already belongs to another pair; a recovery VM can have only one source.");
}
