using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Streams every file of the new restore point into the repository, hashing it as it lands, and checks it against the
/// source host's copy, which the host hashes while it sends. When the task pushes next, the same bytes go on to the
/// recovery host in the same pass: the two hops run at once instead of one after the other, and the Push stage then
/// only has to verify that copy where it landed.
/// </summary>
public sealed class PullStage : ITaskStage
{
    public StageName Name => StageName.Pull;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var archive = await context.ArchiveAsync();
        var relayHost = PushesNext(context) ? context.Target : null;
        // The point's files move at once (a disk image and its small log or definition): each small one would
        // otherwise add its own connection set-up after the large one.
        var progress = new CombinedProgress(context.Reporter);
        var pulls = archive.Files.Select(file => PullFileAsync(context, archive, file, relayHost, progress.For(file.Name))).ToList();
        await Task.WhenAll(pulls);
        var relayed = pulls.Count(p => p.Result);
        archive.SizeBytes = archive.Files.Sum(f => f.SizeBytes);
        archive.InRepository = true;
        // Both copies were just hashed and matched.
        archive.RecordCopy(CopyLocation.Repository, CopyState.Good, context.Clock.UtcNow);
        archive.RecordCopy(CopyLocation.Primary, CopyState.Good, context.Clock.UtcNow);
        archive.PulledAt = context.Clock.UtcNow;
        await context.SaveAsync();
        var main = archive.Files.OrderByDescending(f => f.SizeBytes).First();
        var alongside = relayed == 0 ? "" : $" Sent on to {relayHost!.Name} in the same pass ({relayed} of {archive.Files.Count} file(s)); the Push stage verifies it there.";
        return StageResult.Done((archive.Files.Count == 1
            ? $"Repository copy verified: {ByteSize.Format(archive.SizeBytes)}, SHA-256 {main.Sha256}."
            : $"Repository copy verified: {archive.Files.Count} files, {ByteSize.Format(archive.SizeBytes)}, SHA-256 of each checked.") + alongside);
    }

    /// <summary>Pulls one file, checks it against the host's hash, and gives a relayed copy its name; true when it was relayed.</summary>
    private static async Task<bool> PullFileAsync(TaskContext context, Archive archive, ArchiveFile file, Hypervisor? relayHost, IStageReporter reporter)
    {
        var (source, repository, transport) = (context.Source, context.Repository, context.Transport);
        var local = repository.PathOf(archive, file);
        var remote = context.SourceDriver.StagingPathOf(source, file.Name);
        var relay = relayHost is null ? null : new RelayTarget(relayHost, context.TargetDriver.StagingPathOf(relayHost, file.Name));
        // The host reads its copy once more to hash it while it sends it; here nothing is read twice.
        var remoteHashing = transport.RemoteSha256Async(source, remote, context.Cancellation);
        PulledFile pulled;
        try
        {
            pulled = await transport.PullAsync(source, remote, local, reporter, context.Cancellation, relay);
        }
        catch (TransferException ex) when (ex.DiskFull || !ex.Retryable)
        {
            await Quietly(remoteHashing);
            // Kept partial data only helps a resume; one that cannot come would keep the repository's disk full.
            repository.Delete(local);
            await RemoveRelayedAsync(context, relay);
            throw new StageFailedException(ex.Message + (ex.DiskFull
                ? $" The partial copy was removed; {ByteSize.Format(repository.FreeBytes(local))} is free in the repository now."
                : " The partial copy was removed."), ex.LastLines);
        }
        catch
        {
            await Quietly(remoteHashing);
            throw;
        }

        reporter.Verifying("the copy on " + source.Name);
        var remoteSha = await remoteHashing;
        if (!string.Equals(pulled.Sha256, remoteSha, StringComparison.Ordinal))
        {
            repository.Delete(local);
            await RemoveRelayedAsync(context, relay);
            throw new StageFailedException(
                $"The pulled copy of {file.Name} does not match the copy on {source.Name} (SHA-256 {pulled.Sha256} vs {remoteSha ?? "missing"}); the repository copy was removed.");
        }
        file.Sha256 = pulled.Sha256;
        file.SizeBytes = pulled.SizeBytes;
        if (relay is null)
        {
            return false;
        }
        if (!pulled.Relayed)
        {
            context.Log($"{file.Name} was not sent on to {relay.Host.Name} during the pull ({pulled.RelayNote}); the Push stage sends it.");
            return false;
        }
        // Only bytes that hashed right get the real name there; the Push stage still hashes them on that host.
        await transport.PromoteRelayedAsync(relay.Host, relay.RemotePath, context.Cancellation);
        return true;
    }

    public async Task RemovePartialsAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Task.ArchiveId is null)
        {
            return;
        }
        var archive = await context.ArchiveAsync();
        if (!archive.InRepository)
        {
            foreach (var file in archive.Files)
            {
                context.Repository.Delete(context.Repository.PathOf(archive, file));
            }
        }
        if (PushesNext(context) && !archive.OnRecovery)
        {
            // What the pull relayed to the recovery host (whole or partial) is this point's alone: its name is new.
            await context.Transport.RemoveRemoteAsync(context.Target, context.TargetPathsOf(archive), CancellationToken.None);
        }
    }

    /// <summary>Whether the task sends this point to its target right after the pull.</summary>
    private static bool PushesNext(TaskContext context) =>
        context.Task.Stages.Any(s => s.Name == StageName.Push && s.Status == StageStatus.Pending);

    /// <summary>A relay's copy of data that failed is of no use to a resume; best effort, the stage fails anyway.</summary>
    private static async Task RemoveRelayedAsync(TaskContext context, RelayTarget? relay)
    {
        if (relay is null)
        {
            return;
        }
        try
        {
            await context.Transport.RemoveRemoteAsync(relay.Host, [relay.RemotePath], CancellationToken.None);
        }
        catch (Exception ex) when (ex is TransferException or Remote.RemoteConnectionException or Remote.HostKeyMismatchException)
        {
            context.Log($"Could not remove the partial copy on {relay.Host.Name}: {ex.Message}");
        }
    }

    /// <summary>One progress for the point: the bytes of all its files as they move at once; words pass straight through.</summary>
    private sealed class CombinedProgress(IStageReporter reporter)
    {
        private readonly Dictionary<string, StageProgress> _files = [];
        private readonly IStageReporter _reporter = reporter;

        public IStageReporter For(string file) => new Part(this, file);

        /// <summary>Shown only once no file is still moving: a small file's check must not hide the large one's progress.</summary>
        private void Verifying(string what)
        {
            lock (_files)
            {
                if (_files.Values.All(p => p.BytesTotal is { } total && p.BytesDone >= total))
                {
                    _reporter.Verifying(what);
                }
            }
        }

        private void Report(string file, StageProgress progress)
        {
            lock (_files)
            {
                _files[file] = progress;
                var done = _files.Values.Sum(p => p.BytesDone);
                long? total = _files.Values.All(p => p.BytesTotal is not null) ? _files.Values.Sum(p => p.BytesTotal!.Value) : null;
                var rate = _files.Values.Sum(p => p.BytesPerSecond ?? 0);
                _reporter.Progress(new StageProgress(total is > 0 ? done * 100.0 / total.Value : progress.Percent, done, total, rate > 0 ? rate : null));
            }
        }

        private sealed class Part(CombinedProgress owner, string file) : IStageReporter
        {
            public void Log(string line) => owner._reporter.Log(line);

            public void Progress(StageProgress progress) => owner.Report(file, progress);

            public void Verifying(string what) => owner.Verifying(what);

            public void HostCommandStarted(Hypervisors.HostProcess process) => owner._reporter.HostCommandStarted(process);
        }
    }

    /// <summary>Awaits a concurrent hash whose answer is no longer needed, so its failure is observed, not thrown.</summary>
    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
#pragma warning disable CA1031 // The stage already fails for a better reason.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
