using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Pairs;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// Asks both sites, before anything is touched, what a task would meet: the source VM, trusted host keys, what is at the
/// target and whether the pair may replace it, and free space where the archive will be written. Read-only: it runs
/// nothing that changes a host. The confirmation dialog shows it; the task's first stage acts on it.
/// </summary>
internal sealed class PairPreflight(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    HypervisorDrivers drivers,
    IArchiveTransport transport,
    ArchiveRepository repository) : IPairPreflight
{
    /// <summary>Room beyond the archive's expected size: a new archive of a changed VM is rarely the same size.</summary>
    private const double SpaceMargin = 1.10;

    public async Task<PreflightReport?> CheckAsync(int pairId, DrTaskKind kind, long? archiveId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pair = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
            .FirstOrDefaultAsync(p => p.Id == pairId, ct);
        if (pair is null)
        {
            return null;
        }
        var archives = db.Archives.AsNoTracking().VerifiedOf(pairId);
        var archive = kind != DrTaskKind.Restore ? null
            : archiveId is { } id ? await db.Archives.AsNoTracking().Include(a => a.Files).FirstOrDefaultAsync(a => a.Id == id, ct)
            : await archives.FirstOrDefaultAsync(ct);
        // The next point is probably the size of the last full one (an incremental is smaller): room for that is enough.
        var previous = await archives.Where(a => a.ParentArchiveId == null).FirstOrDefaultAsync(ct);
        // What a restore sends: the point and every point it builds on.
        long? restoreSize = archive is null ? null
            : (await ArchiveChain.WalkAsync(archive, id => db.Archives.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct))).SizeBytes;
        return await CheckAsync(pair, kind, archive, previous?.SizeBytes, restoreSize, ct);
    }

    /// <param name="archive">For a Restore: the point to restore; null when it does not exist.</param>
    /// <param name="expectedSize">The size the new point will probably have (the last full one's), when known.</param>
    /// <param name="restoreSize">For a Restore: the bytes of the point with its chain.</param>
    private async Task<PreflightReport> CheckAsync(VmPair pair, DrTaskKind kind, Archive? archive, long? expectedSize, long? restoreSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var source = pair.SourceHypervisor ?? throw new ArgumentException("The pair's source host is not loaded.", nameof(pair));
        var target = pair.TargetHypervisor ?? throw new ArgumentException("The pair's target host is not loaded.", nameof(pair));
        var sourceSide = kind == DrTaskKind.Restore ? Task.FromResult<IReadOnlyList<PreflightCheck>>([]) : SourceChecksAsync(pair, source, expectedSize, ct);
        var targetSide = kind == DrTaskKind.Backup
            ? Task.FromResult<(IReadOnlyList<PreflightCheck>, TargetFate, string)>(([], TargetFate.NotTouched, "The recovery site is not touched: this task only backs up."))
            : TargetChecksAsync(pair, target, kind == DrTaskKind.Restore ? restoreSize : expectedSize, archive?.OnRecovery == true, ct);
        await Task.WhenAll(sourceSide, targetSide);

        var checks = new List<PreflightCheck>();
        if (kind == DrTaskKind.Restore)
        {
            checks.Add(ArchiveCheck(archive));
        }
        checks.AddRange(sourceSide.Result);
        if (kind != DrTaskKind.Restore)
        {
            checks.Add(RepositorySpace(expectedSize));
        }
        var (targetChecks, fate, summary) = targetSide.Result;
        checks.AddRange(targetChecks);
        return new PreflightReport(checks, fate, summary);
    }

    private async Task<IReadOnlyList<PreflightCheck>> SourceChecksAsync(VmPair pair, Hypervisor source, long? expectedSize, CancellationToken ct)
    {
        if (Untrusted(source) is { } untrusted)
        {
            return [untrusted];
        }
        var checks = new List<PreflightCheck>();
        var driver = drivers.For(source);
        var noun = driver.Profile.VmNoun;
        var name = $"Source {noun} {pair.SourceVm}";
        // Both questions at once: each is its own SSH round trip.
        var space = HostSpaceAsync(source, source.StagingDirectory, expectedSize, "the new restore point", ct);
        try
        {
            var vms = await driver.ListVmsAsync(source, ct);
            var vm = vms.FirstOrDefault(v => v.Ref.Value == pair.SourceVm);
            checks.Add(vm is null
                ? new PreflightCheck(name, PreflightStatus.Failed,
                    $"{driver.Profile.VmNounCapitalised} {pair.SourceVm} does not exist on {source.Name}" +
                    (vms.Count == 0 ? " (it has none)." : $"; it has {string.Join(", ", vms.Take(12).Select(v => v.Described))}{(vms.Count > 12 ? ", ..." : "")}.") +
                    " Edit the pair to pick the VM to protect.")
                : new PreflightCheck(name, PreflightStatus.Passed, $"{driver.Profile.VmNounCapitalised} {vm.Described} is on {source.Name}, {vm.Status.ToString().ToLowerInvariant()}."));
        }
        catch (Exception ex) when (IsHostFailure(ex))
        {
            await space;
            return [new PreflightCheck(name, PreflightStatus.Failed, $"{source.Name} cannot be asked: {ex.Message}")];
        }
        checks.Add(await space);
        return checks;
    }

    private async Task<(IReadOnlyList<PreflightCheck>, TargetFate, string)> TargetChecksAsync(VmPair pair, Hypervisor target, long? size, bool alreadyThere,
        CancellationToken ct)
    {
        if (Untrusted(target) is { } untrusted)
        {
            return ([untrusted], TargetFate.Unknown, untrusted.Message);
        }
        const string name = "Recovery target";
        ReplicaTargetFacts facts;
        try
        {
            facts = await ReplicaTargetFacts.ReadAsync(drivers.For(target), target, VmRef.Of(pair.TargetVm), ct);
        }
        catch (Exception ex) when (IsHostFailure(ex))
        {
            var message = $"{target.Name} cannot be asked: {ex.Message} Nothing is started, since the copy could not be delivered there.";
            return ([new PreflightCheck(name, PreflightStatus.Failed, message)], TargetFate.Unknown, message);
        }
        var (fate, summary) = ReplicaTargetRules.Decide(pair, target.Name, facts);
        var status = fate switch
        {
            TargetFate.Refused => PreflightStatus.Failed,
            TargetFate.ReplacesOther => PreflightStatus.Warning,
            _ => PreflightStatus.Passed,
        };
        var checks = new List<PreflightCheck> { new(name, status, summary) };
        checks.Add(alreadyThere
            ? new PreflightCheck($"Free space on {target.Name}", PreflightStatus.Passed, $"{target.Name} already holds the archive.")
            : await HostSpaceAsync(target, target.StagingDirectory, size, "the restore point", ct));
        return (checks, fate, summary);
    }

    /// <summary>"100 (web01)"; a VM whose name is its reference is named once.</summary>


    private async Task<PreflightCheck> HostSpaceAsync(Hypervisor host, string directory, long? needed, string what, CancellationToken ct)
    {
        var name = $"Free space on {host.Name}";
        try
        {
            var free = await transport.RemoteFreeBytesAsync(host, directory, ct);
            return SpaceVerdict(name, $"{directory} on {host.Name}", free, needed, what);
        }
        catch (Exception ex) when (ex is TransferException || IsHostFailure(ex))
        {
            return new PreflightCheck(name, PreflightStatus.Warning, $"The free space of {directory} on {host.Name} could not be read: {ex.Message}");
        }
    }

    private PreflightCheck RepositorySpace(long? needed)
    {
        var directory = repository.Root;
        Directory.CreateDirectory(directory);
        return SpaceVerdict("Free space in the repository", $"the repository ({directory})", repository.FreeBytes(directory), needed,
            "the repository copy");
    }

    public static PreflightCheck SpaceVerdict(string name, string where, long free, long? needed, string what)
    {
        ArgumentNullException.ThrowIfNull(where);
        if (needed is not { } size)
        {
            return new PreflightCheck(name, PreflightStatus.Passed, $"{ByteSize.Format(free)} free in {where} (no earlier restore point to compare the size with).");
        }
        var wanted = (long)(size * SpaceMargin);
        return free >= wanted
            ? new PreflightCheck(name, PreflightStatus.Passed, $"{ByteSize.Format(free)} free in {where}; {what} needs about {ByteSize.Format(size)}.")
            : new PreflightCheck(name, PreflightStatus.Failed,
                $"{what[..1].ToUpperInvariant()}{what[1..]} needs about {ByteSize.Format(size)} (with 10 % room: {ByteSize.Format(wanted)}), " +
                $"but only {ByteSize.Format(free)} is free in {where}. Make room there first; nothing was started.");
    }

    private static PreflightCheck ArchiveCheck(Archive? archive) => archive switch
    {
        null => new PreflightCheck("Archive", PreflightStatus.Failed, "The restore point to restore does not exist (was it deleted?)."),
        { IsVerified: false } => new PreflightCheck("Archive", PreflightStatus.Failed, $"{archive.Label} has no verified repository copy; pick another restore point."),
        _ => new PreflightCheck("Archive", PreflightStatus.Passed,
            $"{archive.Label}, {ByteSize.Format(archive.SizeBytes)}{(archive.IsIncremental ? " (incremental)" : "")}, SHA-256 verified."),
    };

    private static PreflightCheck? Untrusted(Hypervisor host) => host.PinnedHostKey is null
        ? new PreflightCheck($"Host key of {host.Name}", PreflightStatus.Failed,
            $"The host key of {host.Name} has not been trusted yet: confirm its fingerprint on the Hosts page first.")
        : null;

    private static bool IsHostFailure(Exception ex) =>
        ex is RemoteConnectionException or HostKeyMismatchException or HypervisorCommandException or InvalidOperationException;
}
