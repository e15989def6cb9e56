using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Recovery;

/// <summary>A pair's network mappings and boot check; the recovery host is asked for its networks when it answers.</summary>
internal sealed class PairRecovery(IDbContextFactory<DrPortalDbContext> contexts, HypervisorDrivers drivers, IClock clock) : IPairRecovery
{
    /// <summary>How long the editor waits for a host before it says the host does not answer.</summary>
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(15);

    public async Task<Result<PairRecoveryView>> GetAsync(int pairId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return Result<PairRecoveryView>.NotFound($"VM pair {pairId} does not exist.");
        }
        var (networks, networksError) = await AskAsync(pair.TargetHypervisor!, (d, h, t) => d.ListNetworksAsync(h, t), ct);
        var (nics, nicsError) = await AskAsync(pair.SourceHypervisor!, (d, h, t) => d.ListNicsAsync(h, VmRef.Of(pair.SourceVm), t), ct);
        if (nics is null && pair.SourceNics.Count > 0)
        {
            (nics, nicsError) = (pair.SourceNics, $"{nicsError} Showing the NICs recorded at the last backup.");
        }
        return Result<PairRecoveryView>.Ok(new PairRecoveryView(pairId, PairRecoveryInput.From(pair), networks ?? [], networksError, nics ?? [], nicsError));
    }

    public async Task<Result<VmPair>> SaveAsync(int pairId, PairRecoveryInput input, string actor, bool actorIsAdmin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor).FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return Result<VmPair>.NotFound($"VM pair {pairId} does not exist.");
        }
        var errors = input.Validate(actorIsAdmin, pair.BootCheck);
        if (errors.IsEmpty)
        {
            // Checked here when the host answers, and again before every run: a host that is down now does not block the edit.
            var (networks, _) = await AskAsync(pair.TargetHypervisor!, (d, h, t) => d.ListNetworksAsync(h, t), ct);
            if (networks is not null)
            {
                input.CheckNetworks(errors, networks, pair.TargetHypervisor!.Name);
            }
        }
        if (!errors.IsEmpty)
        {
            return Result<VmPair>.Invalid(errors);
        }
        var before = new { pair.FailoverNetwork, pair.DrillNetwork, pair.BootCheck };
        pair.ApplyRecovery(input);
        pair.UpdatedAt = clock.UtcNow;
        db.AuditEntries.Add(AuditLog.Entry(clock, actor, "update", "VmPair", pairId.ToString(CultureInfo.InvariantCulture),
            $"Changed recovery settings of pair {pair.Describe()}", before, new { pair.FailoverNetwork, pair.DrillNetwork, pair.BootCheck }));
        await db.SaveChangesAsync(ct);
        return Result<VmPair>.Ok(pair);
    }

    private async Task<(T? Value, string? Error)> AskAsync<T>(Core.Hosts.Hypervisor host, Func<IHypervisorDriver, Core.Hosts.Hypervisor, CancellationToken, Task<T>> ask, CancellationToken ct)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HostTimeout);
        try
        {
            return (await ask(drivers.For(host), host, timeout.Token), null);
        }
        catch (Exception ex) when (ex is RemoteConnectionException or HostKeyMismatchException or HypervisorCommandException or NotSupportedException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (null, ex is OperationCanceledException ? $"{host.Name} did not answer within {HostTimeout.TotalSeconds:0} s." : $"{host.Name}: {ex.Message}");
        }
    }
}
