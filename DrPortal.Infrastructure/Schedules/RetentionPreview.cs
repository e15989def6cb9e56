using DrPortal.Core.Common;
using DrPortal.Core.Schedules;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Schedules;

/// <summary>Runs a policy over a pair's archives as they are now, changing nothing (a prune simulator).</summary>
internal sealed class RetentionPreview(IDbContextFactory<DrPortalDbContext> dbFactory) : IRetentionPreview
{
    public async Task<Result<IReadOnlyList<RetentionDecision>>> PreviewAsync(int pairId, RetentionPolicy policy, string? timeZone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ValidationErrors();
        policy.Validate(errors, "Policy");
        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? ScheduleInput.ServerTimeZoneId() : timeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            errors.Add("TimeZone", $"'{timeZone}' is not a known time zone; use an IANA name such as Europe/Berlin.");
        }
        if (!errors.IsEmpty)
        {
            return Result<IReadOnlyList<RetentionDecision>>.Invalid(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.VmPairs.AnyAsync(p => p.Id == pairId, ct))
        {
            return Result<IReadOnlyList<RetentionDecision>>.NotFound($"VM pair {pairId} does not exist.");
        }
        var archives = await db.Archives.AsNoTracking().Include(a => a.Files).Where(a => a.VmPairId == pairId).ToListAsync(ct);
        var inUse = await Tasks.ArchiveStore.InUseAsync(db, ct);
        return Result<IReadOnlyList<RetentionDecision>>.Ok(RetentionPlan.Decide(policy, archives, inUse, zone!));
    }
}
