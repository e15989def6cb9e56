using DrPortal.Core.Archives;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Notifications;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Re-hashes every copy of the task's restore point (or of every point of the pair): the repository copy here, the host
/// copies on their hosts, each file against its recorded SHA-256. What it finds is recorded per copy; a bad or missing
/// copy is reported through <see cref="IOperationalEvents"/> and is never used again by a restore, drill or push. It
/// only reads: no file and no row is removed.
/// </summary>
public sealed class VerifyStage : ITaskStage
{
    public StageName Name => StageName.Verify;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var points = context.Task.ArchiveId is not null
            ? [await context.ArchiveAsync()]
            : await context.Session.ArchivesOfPairAsync(context.Pair.Id);
        var checks = points.SelectMany(p => CopiesOf(context, p).Select(c => (Point: p, c.Location, c.Host, c.Driver))).ToList();
        var total = checks.Sum(c => c.Point.Files.Sum(f => f.SizeBytes));
        var tally = new VerifyTally(context, total);
        foreach (var (point, location, host, driver) in checks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            await VerifyCopyAsync(context, tally, point, location, host, driver);
        }
        context.Reporter.Progress(new StageProgress(100, total, total));
        var summary = checks.Count == 0
            ? "No copies to verify."
            : $"{tally.Good} of {checks.Count} copies of {points.Count} restore point(s) verified good"
              + (tally.Bad > 0 ? $"; {tally.Bad} bad or missing (never used again until replaced)" : "")
              + (tally.Unreached > 0 ? $"; {tally.Unreached} could not be checked" : "") + ".";
        return StageResult.Done(summary, tally.Bad > 0 || tally.Unreached > 0);
    }

    /// <summary>The copies a point has: the repository's, and those on the pair's hosts its flags say are there.</summary>
    private static IEnumerable<(CopyLocation Location, Hypervisor? Host, IHypervisorDriver? Driver)> CopiesOf(TaskContext context, Archive point)
    {
        if (point.InRepository)
        {
            yield return (CopyLocation.Repository, null, null);
        }
        // A failback's point was made on the pair's recovery host and sent to its source host.
        var madeOnTarget = point.SourceHypervisorId == context.Target.Id && point.SourceHypervisorId != context.Source.Id;
        var (primary, primaryDriver) = madeOnTarget ? (context.Target, context.TargetDriver) : (context.Source, context.SourceDriver);
        var (recovery, recoveryDriver) = madeOnTarget ? (context.Source, context.SourceDriver) : (context.Target, context.TargetDriver);
        if (point.OnPrimary && point.SourceHypervisorId == primary.Id)
        {
            yield return (CopyLocation.Primary, primary, primaryDriver);
        }
        if (point.OnRecovery)
        {
            yield return (CopyLocation.Recovery, recovery, recoveryDriver);
        }
    }

    private static async Task VerifyCopyAsync(TaskContext context, VerifyTally tally, Archive point, CopyLocation location, Hypervisor? host, IHypervisorDriver? driver)
    {
        var where = host is null ? "the repository" : host.Name;
        context.Reporter.Verifying($"{point.Label} in {where}");
        var state = CopyState.Good;
        string? finding = null;
        try
        {
            foreach (var file in point.Files.Where(f => f.Sha256 is not null))
            {
                var actual = host is null
                    ? await RepositorySha256Async(context, point, file)
                    : await context.Transport.RemoteSha256Async(host, driver!.StagingPathOf(host, file.Name), context.Cancellation);
                tally.Hashed(file.SizeBytes);
                if (actual is null)
                {
                    (state, finding) = (CopyState.Missing, $"{file.Name} is missing");
                    break;
                }
                if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
                {
                    (state, finding) = (CopyState.Bad, $"{file.Name} has SHA-256 {actual}, recorded {file.Sha256}");
                    break;
                }
            }
        }
        catch (TransferException ex)
        {
            // An unreachable host proves nothing about its copy: what was known of it stays.
            tally.Unreached++;
            context.Log($"Could not verify {point.Label} on {where}: {ex.Message}");
            return;
        }
        point.RecordCopy(location, state, context.Clock.UtcNow);
        await context.SaveAsync();
        if (state == CopyState.Good)
        {
            tally.Good++;
            context.Log($"{point.Label} in {where}: good.");
            return;
        }
        tally.Bad++;
        var summary = $"Verify found the copy of restore point {point.Label} ({context.Pair.Describe()}) in {where} {(state == CopyState.Bad ? "corrupt" : "incomplete")}: {finding}.";
        context.Log(summary);
        context.Events.Publish(new OperationalEvent(OperationalEventKind.VerifyFoundBadCopy, EventSeverity.Error, summary, context.Clock.UtcNow.UtcDateTime,
            Reason: $"The {location.ToString().ToLowerInvariant()} copy is {state.ToString().ToLowerInvariant()}; restores, drills and pushes will not use it.",
            PairId: context.Pair.Id, HostId: host?.Id, TaskId: context.Task.Id));
    }

    private static async Task<string?> RepositorySha256Async(TaskContext context, Archive point, ArchiveFile file)
    {
        var path = context.Repository.PathOf(point, file);
        return context.Repository.Exists(path) ? await context.Repository.Sha256Async(path, context.Cancellation) : null;
    }

    /// <summary>Counts of one run and the bytes hashed so far, reported as the stage's progress.</summary>
    private sealed class VerifyTally(TaskContext context, long total)
    {
        private long _done;

        public int Good { get; set; }
        public int Bad { get; set; }
        public int Unreached { get; set; }

        public void Hashed(long bytes)
        {
            _done += bytes;
            context.Reporter.Progress(new StageProgress(total == 0 ? 100 : Math.Min(100, 100.0 * _done / total), _done, total));
        }
    }
}
