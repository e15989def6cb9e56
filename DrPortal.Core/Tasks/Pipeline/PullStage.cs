using DrPortal.Core.Archives;
using DrPortal.Core.Common;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>Copies every file of the new restore point into the repository and checks each against the source host's copy.</summary>
public sealed class PullStage : ITaskStage
{
    public StageName Name => StageName.Pull;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var archive = await context.ArchiveAsync();
        var (source, driver, repository) = (context.Source, context.SourceDriver, context.Repository);
        foreach (var file in archive.Files)
        {
            var local = repository.PathOf(archive, file);
            try
            {
                await context.Transport.PullAsync(source, driver.StagingPathOf(source, file.Name), local, context.Reporter, context.Cancellation);
            }
            catch (TransferException ex) when (ex.DiskFull || !ex.Retryable)
            {
                // Kept partial data only helps a resume; one that cannot come would keep the repository's disk full.
                repository.Delete(local);
                throw new StageFailedException(ex.Message + (ex.DiskFull
                    ? $" The partial copy was removed; {ByteSize.Format(repository.FreeBytes(local))} is free in the repository now."
                    : " The partial copy was removed."), ex.LastLines);
            }
        }

        context.Log("Verifying the repository copy against the host's copy (SHA-256).");
        context.Reporter.Verifying("the repository copy and the copy on " + source.Name);
        foreach (var file in archive.Files)
        {
            var local = repository.PathOf(archive, file);
            // Both copies are hashed at the same time: one on the host, one here.
            var localHashing = repository.Sha256Async(local, context.Cancellation);
            var remoteHashing = context.Transport.RemoteSha256Async(source, driver.StagingPathOf(source, file.Name), context.Cancellation);
            await Task.WhenAll((Task)localHashing, remoteHashing);
            var (localSha, remoteSha) = (localHashing.Result, remoteHashing.Result);
            if (!string.Equals(localSha, remoteSha, StringComparison.Ordinal))
            {
                repository.Delete(local);
                throw new StageFailedException(
                    $"The pulled copy of {file.Name} does not match the copy on {source.Name} (SHA-256 {localSha} vs {remoteSha ?? "missing"}); the repository copy was removed.");
            }
            file.Sha256 = localSha;
            file.SizeBytes = repository.LengthOf(local);
        }
        archive.SizeBytes = archive.Files.Sum(f => f.SizeBytes);
        archive.InRepository = true;
        // Both copies were just hashed and matched.
        archive.RecordCopy(CopyLocation.Repository, CopyState.Good, context.Clock.UtcNow);
        archive.RecordCopy(CopyLocation.Primary, CopyState.Good, context.Clock.UtcNow);
        archive.PulledAt = context.Clock.UtcNow;
        await context.SaveAsync();
        var main = archive.Files.OrderByDescending(f => f.SizeBytes).First();
        return StageResult.Done(archive.Files.Count == 1
            ? $"Repository copy verified: {ByteSize.Format(archive.SizeBytes)}, SHA-256 {main.Sha256}."
            : $"Repository copy verified: {archive.Files.Count} files, {ByteSize.Format(archive.SizeBytes)}, SHA-256 of each checked.");
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
    }
}
