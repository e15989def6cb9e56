using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Persistence;

internal sealed class VmPairStore(IDbContextFactory<DrPortalDbContext> contexts, IClock clock, IHostConnections connections, HypervisorProfiles profiles) : IVmPairStore
{
    private const string EntityType = "VmPair";

    /// <summary>How long a save waits for the source host to list its VMs before it calls the host unreachable.</summary>
    private static readonly TimeSpan SourceCheckTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How many of the host's VMs a "does not exist" message names.</summary>
    private const int VmsNamed = 15;

    public async Task<IReadOnlyList<VmPair>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await WithHosts(db).OrderBy(p => p.Id).ToListAsync(ct);
    }

    public async Task<VmPairPage> PageAsync(ListWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var total = await db.VmPairs.CountAsync(ct);
        var items = await WithHosts(db).OrderBy(p => p.Id).Skip(window.Skip).Take(window.Take).ToListAsync(ct);
        return new VmPairPage(items, total);
    }

    public async Task<VmPair?> FindAsync(int id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await WithHosts(db).FirstOrDefaultAsync(p => p.Id == id, ct);
    }

    public async Task<Result<VmPair>> CreateAsync(VmPairInput input, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (invalid, sourceVm) = await ValidateAsync(db, input, null, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        var pair = new VmPair { CreatedAt = clock.UtcNow, UpdatedAt = clock.UtcNow };
        pair.Apply(input);
        pair.SourceVmName = sourceVm?.Name;
        pair.SourceVmUuid = sourceVm?.Uuid;
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
        var (invalid, sourceVm) = await ValidateAsync(db, input, id, ct);
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
        var sameSource = pair.SourceHypervisorId == input.SourceHypervisorId && pair.SourceVm == input.SourceVm;
        var was = pair.Describe();
        pair.Apply(input);
        // A source saved unverified keeps the name last seen for that same VM; a different VM's name would mislead.
        pair.SourceVmName = sourceVm?.Name ?? (sameSource ? pair.SourceVmName : null);
        pair.SourceVmUuid = sourceVm?.Uuid ?? (sameSource ? pair.SourceVmUuid : null);
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

    /// <summary>
    /// Every field error at once, so a form shows them together; then, if the source fields are sound, the source host
    /// is asked whether the VM exists. Returns the refusal, or the source VM as its host listed it (null when unverified).
    /// </summary>
    private async Task<(Result<VmPair>? Invalid, VmInfo? SourceVm)> ValidateAsync(DrPortalDbContext db, VmPairInput input, int? selfId, CancellationToken ct)
    {
        var source = await db.Hypervisors.AsNoTracking().FirstOrDefaultAsync(h => h.Id == input.SourceHypervisorId, ct);
        var target = await db.Hypervisors.AsNoTracking().FirstOrDefaultAsync(h => h.Id == input.TargetHypervisorId, ct);
        var errors = input.Validate(source, target, profiles);
        if (!errors.Has(nameof(VmPairInput.TargetVm)) && !errors.Has(nameof(VmPairInput.TargetHypervisorId))
            && await db.VmPairs.AnyAsync(p => p.TargetHypervisorId == input.TargetHypervisorId && p.TargetVm == input.TargetVm && p.Id != selfId, ct))
        {
            errors.Add(nameof(VmPairInput.TargetVm), TargetTakenMessage(input));
        }
        VmInfo? sourceVm = null;
        if (source is not null && !errors.Has(nameof(VmPairInput.SourceHypervisorId)) && !errors.Has(nameof(VmPairInput.SourceVm))
            && !errors.Has(nameof(VmPairInput.TargetHypervisorId)))
        {
            sourceVm = await CheckSourceVmAsync(source, input, errors, ct);
        }
        return (errors.IsEmpty ? null : Result<VmPair>.Invalid(errors), sourceVm);
    }

    /// <summary>
    /// Asks the source host for its VMs. A VM it does not list is refused (a pair for it would fail at its first run);
    /// a host that cannot be asked is refused too unless the user confirmed saving unverified.
    /// </summary>
    private async Task<VmInfo?> CheckSourceVmAsync(Hypervisor source, VmPairInput input, ValidationErrors errors, CancellationToken ct)
    {
        var vmid = input.SourceVm!;
        var profile = profiles.Of(source.Kind);
        var noun = profile.VmNoun;
        string reason;
        if (source.HostKeyFingerprint is null)
        {
            // Not even a handshake with a host whose key nobody has confirmed.
            reason = $"the host key of {source.Name} is not trusted yet (an administrator trusts it on the Hosts page)";
        }
        else
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(SourceCheckTimeout);
            Result<IReadOnlyList<VmInfo>> listed;
            try
            {
                listed = await connections.ListVmsAsync(source.Id, bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                listed = Result<IReadOnlyList<VmInfo>>.Conflict($"{source.Name} did not answer within {SourceCheckTimeout.TotalSeconds:0} s");
            }
            if (listed.IsOk)
            {
                var vms = listed.Value!;
                if (vms.FirstOrDefault(v => v.Ref.Value == vmid) is { } found)
                {
                    return found;
                }
                errors.Add(nameof(VmPairInput.SourceVm), $"{profile.VmNounCapitalised} {vmid} does not exist on {source.Name}. {Existing(source, vms)}");
                return null;
            }
            reason = (listed.Message ?? "it did not answer").TrimEnd('.');
        }
        if (!input.ConfirmUnverifiedSource)
        {
            errors.Add(nameof(VmPairInput.ConfirmUnverifiedSource),
                $"Could not check that {noun} {vmid} exists on {source.Name}: {reason}. Fix the connection and save again, " +
                "or save anyway if you are sure the VM exists (API: confirmUnverifiedSource = true); a missing VM fails at the pair's first run.");
        }
        return null;
    }

    private static string Existing(Hypervisor source, IReadOnlyList<VmInfo> vms)
    {
        if (vms.Count == 0)
        {
            return $"{source.Name} has no VMs; create the VM first or pick another host.";
        }
        var named = string.Join(", ", vms.OrderBy(v => v.Ref.Value.Length).ThenBy(v => v.Ref.Value, StringComparer.Ordinal).Take(VmsNamed)
            .Select(v => v.Described));
        var more = vms.Count > VmsNamed ? $" and {(vms.Count - VmsNamed).ToString(CultureInfo.InvariantCulture)} more" : "";
        return $"Pick one of the VMs on {source.Name}: {named}{more}.";
    }

    private static Result<VmPair> TargetTaken(VmPairInput input) =>
        Result<VmPair>.Invalid(nameof(VmPairInput.TargetVm), TargetTakenMessage(input));

    private static string TargetTakenMessage(VmPairInput input) =>
        $"{input.TargetVm} on the target host already belongs to another pair; a recovery VM can have only one source. Pick another target.";
}
