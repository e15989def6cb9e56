using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class HypervisorStore(IDbContextFactory<DrPortalDbContext> contexts, IClock clock, HypervisorProfiles profiles) : IHypervisorStore
{
    private const string EntityType = "Hypervisor";

    public async Task<IReadOnlyList<Hypervisor>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Hypervisors.AsNoTracking().OrderBy(h => h.Name).ToListAsync(ct);
    }

    public async Task<HypervisorPage> PageAsync(ListWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var total = await db.Hypervisors.CountAsync(ct);
        var items = await db.Hypervisors.AsNoTracking().OrderBy(h => h.Name).ThenBy(h => h.Id).Skip(window.Skip).Take(window.Take).ToListAsync(ct);
        return new HypervisorPage(items, total);
    }

    public async Task<Hypervisor?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Hypervisors.AsNoTracking().FirstOrDefaultAsync(h => h.Id == id, ct);
    }

    public async Task<Result<Hypervisor>> CreateAsync(HypervisorInput input, string actor, CancellationToken ct)
    {
        var errors = input.Validate(profiles);
        if (!errors.IsEmpty)
        {
            return Result<Hypervisor>.Invalid(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var host = new Hypervisor { CreatedAt = clock.UtcNow, UpdatedAt = clock.UtcNow };
        host.Apply(input);
        if (await db.Hypervisors.AnyAsync(h => h.Name == host.Name, ct))
        {
            return DuplicateName(host.Name);
        }
        db.Hypervisors.Add(host);
        return await SaveAsync(db, host, () =>
            db.AuditEntries.Add(AuditLog.Entry(clock, actor, "create", EntityType, host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Added host {host.Name} ({host.Address})", null, host.AuditSnapshot())), ct);
    }

    public async Task<Result<Hypervisor>> UpdateAsync(int id, HypervisorInput input, string actor, CancellationToken ct)
    {
        var errors = input.Validate(profiles);
        if (!errors.IsEmpty)
        {
            return Result<Hypervisor>.Invalid(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var host = await db.Hypervisors.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (host is null)
        {
            return Result<Hypervisor>.NotFound($"Host {id} does not exist.");
        }
        var newName = input.Name!.Trim();
        if (await db.Hypervisors.AnyAsync(h => h.Name == newName && h.Id != id, ct))
        {
            return DuplicateName(newName);
        }
        if (input.Site != host.Site || input.Kind != host.Kind)
        {
            var users = await PairsUsingAsync(db, id, ct);
            if (users.Count > 0)
            {
                // A pair's VM references and options are in its kind's terms, and its two hosts are of one kind.
                var field = input.Kind != host.Kind ? nameof(HypervisorInput.Kind) : nameof(HypervisorInput.Site);
                return Result<Hypervisor>.Invalid(field,
                    $"The {(field == nameof(HypervisorInput.Kind) ? "kind" : "site")} cannot change while VM pairs use this host: {string.Join(", ", users)}.");
            }
        }
        var before = host.AuditSnapshot();
        var oldName = host.Name;
        host.Apply(input);
        host.UpdatedAt = clock.UtcNow;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", EntityType, id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            oldName == host.Name ? $"Changed host {host.Name}" : $"Changed host {oldName}, now named {host.Name}", before, host.AuditSnapshot()));
        return await SaveAsync(db, host, null, ct);
    }

    public async Task<Result<Hypervisor>> DeleteAsync(int id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var host = await db.Hypervisors.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (host is null)
        {
            return Result<Hypervisor>.NotFound($"Host {id} does not exist.");
        }
        var users = await PairsUsingAsync(db, id, ct);
        if (users.Count > 0)
        {
            return Result<Hypervisor>.Conflict($"Host {host.Name} is used by VM pairs: {string.Join(", ", users)}. Delete or change those pairs first.");
        }
        db.Hypervisors.Remove(host);
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "delete", EntityType, id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Deleted host {host.Name}", host.AuditSnapshot(), null));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A pair was added between the check and the delete; the foreign key refused it.
            return Result<Hypervisor>.Conflict($"Host {host.Name} is used by VM pairs. Delete or change those pairs first.");
        }
        return Result<Hypervisor>.Ok(host);
    }

    public async Task<Result<Hypervisor>> PinHostKeyAsync(int id, HostKey key, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var host = await db.Hypervisors.FirstOrDefaultAsync(h => h.Id == id, ct);
        if (host is null)
        {
            return Result<Hypervisor>.NotFound($"Host {id} does not exist.");
        }
        var before = host.AuditSnapshot();
        var previous = host.HostKeyFingerprint;
        host.Pin(key);
        host.UpdatedAt = clock.UtcNow;
        var summary = previous is null
            ? $"Trusted host key {key.Fingerprint} of {host.Name}"
            : $"Replaced host key of {host.Name}: {previous} → {key.Fingerprint}";
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "trust-host-key", EntityType, id.ToString(System.Globalization.CultureInfo.InvariantCulture), summary, before, host.AuditSnapshot()));
        await db.SaveChangesAsync(ct);
        return Result<Hypervisor>.Ok(host);
    }

    private static async Task<List<string>> PairsUsingAsync(DrPortalDbContext db, int hostId, CancellationToken ct)
    {
        var pairs = await db.VmPairs.AsNoTracking()
            .Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
            .Where(p => p.SourceHypervisorId == hostId || p.TargetHypervisorId == hostId)
            .OrderBy(p => p.Id)
            .ToListAsync(ct);
        return pairs.Select(p => $"#{p.Id} {p.Describe()}").ToList();
    }

    private static Result<Hypervisor> DuplicateName(string name) =>
        Result<Hypervisor>.Invalid(nameof(HypervisorInput.Name), $"A host named '{name}' already exists.");

    private static Task<Result<Hypervisor>> SaveAsync(DrPortalDbContext db, Hypervisor host, Action? afterInsert, CancellationToken ct) =>
        Persist.SaveAsync(db, host, afterInsert, () => DuplicateName(host.Name), ct);
}
