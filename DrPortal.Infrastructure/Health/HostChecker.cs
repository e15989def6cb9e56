using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Notifications;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Health;

/// <summary>
/// Checks one host the way a task would meet it: the key it presents against the pinned one (a changed key is
/// reported, never trusted), a login with the portal's key, the free space of its dump area. It only reads: nothing is
/// started, stopped or written on the host. The state is stored on the host's row; events go out on transitions only.
/// </summary>
internal sealed partial class HostChecker(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IHostConnections connections,
    IArchiveTransport transport,
    IOperationalEvents events,
    IClock clock,
    IOptions<HealthOptions> options,
    ILogger<HostChecker> logger)
{
    private sealed record Finding(HostCheckState State, string Message, long? DumpFreeBytes);

    /// <summary>Checks the host, stores what was found and publishes the transition if the state changed; null when the host is gone.</summary>
    public async Task<HostCheckState?> CheckAsync(int hostId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var host = await db.Hypervisors.FirstOrDefaultAsync(h => h.Id == hostId, ct);
        if (host is null)
        {
            return null;
        }
        var finding = await ProbeAsync(host, ct);
        var previous = host.CheckState;
        var now = clock.UtcNow;
        // Only the check's own columns change: an admin's edit of the same row at the same moment is kept.
        host.LastCheckAt = now;
        if (finding.State.IsReachable())
        {
            host.LastSeenAt = now;
        }
        host.CheckState = finding.State;
        host.CheckMessage = TextRules.Shorten(finding.Message, Hypervisor.CheckMessageMaxLength);
        host.DumpFreeBytes = finding.DumpFreeBytes ?? (finding.State.IsReachable() ? host.DumpFreeBytes : null);
        await db.SaveChangesAsync(CancellationToken.None);
        foreach (var e in Transition(host, previous, finding))
        {
            events.Publish(e);
        }
        return finding.State;
    }

    private async Task<Finding> ProbeAsync(Hypervisor host, CancellationToken ct)
    {
        if (host.PinnedHostKey is null)
        {
            return new Finding(HostCheckState.NotTrusted, "No host key is trusted yet, so the host is not contacted.", null);
        }
        var timeout = TimeSpan.FromSeconds(options.Value.HostCheckTimeoutSeconds);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            var key = await connections.GetHostKeyAsync(host.Id, limit.Token);
            if (!key.IsOk)
            {
                return new Finding(HostCheckState.Unreachable, key.Message ?? "The host did not answer.", null);
            }
            if (!key.Value!.Trusted)
            {
                return new Finding(HostCheckState.HostKeyChanged,
                    $"The host presents {key.Value.Fingerprint}, not the pinned {key.Value.PinnedFingerprint}. Nothing runs there until an admin trusts a key again.", null);
            }
            var test = await connections.TestAsync(host.Id, limit.Token);
            if (!test.IsOk || test.Value is not { Ok: true })
            {
                return new Finding(HostCheckState.Unreachable, test.Value?.Error ?? test.Message ?? "Logging in failed.", null);
            }
            return await SpaceAsync(host, limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Finding(HostCheckState.Unreachable, $"The host did not answer within {timeout.TotalSeconds:0} s.", null);
        }
    }

    private async Task<Finding> SpaceAsync(Hypervisor host, CancellationToken ct)
    {
        long free;
        try
        {
            free = await transport.RemoteFreeBytesAsync(host, host.StagingDirectory, ct);
        }
#pragma warning disable CA1031 // The host answered a login; a dump area that cannot be measured is said in the message, not a failed check.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogSpaceUnknown(logger, ex, host.Name);
            return new Finding(HostCheckState.Reachable, $"Reachable; the free space of {host.StagingDirectory} could not be read: {ex.Message}", null);
        }
        var minimum = options.Value.DumpMinimumFreeBytes;
        return free < minimum
            ? new Finding(HostCheckState.SpaceLow, $"Only {ByteSize.Format(free)} free in {host.StagingDirectory} (threshold {ByteSize.Format(minimum)}).", free)
            : new Finding(HostCheckState.Reachable, $"Reachable; {ByteSize.Format(free)} free in {host.StagingDirectory}.", free);
    }

    /// <summary>The events a change of state deserves; none when the state did not change.</summary>
    private IEnumerable<OperationalEvent> Transition(Hypervisor host, HostCheckState previous, Finding now)
    {
        if (now.State == previous)
        {
            yield break;
        }
        var at = clock.UtcNow.UtcDateTime;
        if (now.State == HostCheckState.Unreachable)
        {
            yield return new OperationalEvent(OperationalEventKind.HostUnreachable, EventSeverity.Error,
                $"Host {host.Name} ({host.Address}:{host.SshPort}) is unreachable", at, now.Message, HostId: host.Id);
        }
        if (now.State == HostCheckState.HostKeyChanged)
        {
            yield return new OperationalEvent(OperationalEventKind.HostKeyChanged, EventSeverity.Error,
                $"Host {host.Name} presents a different host key", at, now.Message, HostId: host.Id);
        }
        if (now.State.IsReachable() && previous is HostCheckState.Unreachable or HostCheckState.HostKeyChanged)
        {
            yield return new OperationalEvent(OperationalEventKind.HostReachable, EventSeverity.Info,
                $"Host {host.Name} is reachable again", at, now.Message, HostId: host.Id);
        }
        if (now.State == HostCheckState.SpaceLow)
        {
            yield return new OperationalEvent(OperationalEventKind.RepositorySpaceLow, EventSeverity.Warning,
                $"The dump area of host {host.Name} is low on space", at, now.Message, HostId: host.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The free space of the dump area on {Host} could not be read")]
    private static partial void LogSpaceUnknown(ILogger logger, Exception ex, string host);
}
