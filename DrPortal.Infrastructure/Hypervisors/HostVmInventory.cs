using System.Collections.Concurrent;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Hypervisors;

/// <summary>
/// The VMs on the primary hosts, listed over SSH in the background and kept for <see cref="Ttl"/>: a page or an API
/// call reads what is cached and never waits for a host. One refresh runs at a time; one asked for during it follows it.
/// </summary>
internal sealed partial class HostVmInventory(
    IDbContextFactory<DrPortalDbContext> dbFactory, HypervisorDrivers drivers, IClock clock, ILogger<HostVmInventory> logger)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    /// <summary>A host that does not answer within this is reported as not listed rather than holding the refresh.</summary>
    private static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, HostVmList> _lists = new();
    private int _refreshing;
    private int _again;
    private DateTimeOffset? _refreshedAt;

    public IReadOnlyDictionary<int, HostVmList> Lists => _lists;

    public bool Refreshing => Volatile.Read(ref _refreshing) == 1;

    /// <summary>Starts a background refresh when the lists are older than <see cref="Ttl"/> or <paramref name="force"/> asks.</summary>
    public void RefreshIfStale(bool force)
    {
        if (!force && _refreshedAt is { } at && clock.UtcNow - at < Ttl)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            // The running refresh may have read a host before the change the caller wants to see.
            if (force)
            {
                Volatile.Write(ref _again, 1);
            }
            return;
        }
        _ = Task.Run(RefreshLoopAsync);
    }

    private async Task RefreshLoopAsync()
    {
        try
        {
            do
            {
                Volatile.Write(ref _again, 0);
                await RefreshAsync();
            }
            while (Volatile.Read(ref _again) == 1);
        }
        catch (Exception ex)
        {
            LogRefreshFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task RefreshAsync()
    {
        List<Hypervisor> hosts;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            hosts = await db.Hypervisors.AsNoTracking().Where(h => h.Site == Site.Primary).ToListAsync();
        }
        await Task.WhenAll(hosts.Select(ListAsync));
        foreach (var gone in _lists.Keys.Except(hosts.Select(h => h.Id)).ToList())
        {
            _lists.TryRemove(gone, out _);
        }
        _refreshedAt = clock.UtcNow;
    }

    private async Task ListAsync(Hypervisor host)
    {
        if (host.PinnedHostKey is null)
        {
            _lists[host.Id] = new HostVmList(host.Name, [], clock.UtcNow, "its host key is not trusted yet");
            return;
        }
        using var timeout = new CancellationTokenSource(HostTimeout);
        try
        {
            var vms = await drivers.For(host).ListVmsAsync(host, timeout.Token);
            _lists[host.Id] = new HostVmList(host.Name, vms, clock.UtcNow, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The previous list is not kept: an unreachable host's VMs are unknown, not unprotected.
            _lists[host.Id] = new HostVmList(host.Name, [], clock.UtcNow, timeout.IsCancellationRequested ? "no answer within 30 s" : ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing the VMs of the primary hosts failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex);
}
