using DrPortal.Core.Archives;
using DrPortal.Core.Common;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Sends the restore point and every point it depends on to the recovery host, and checks each file there before
/// anything on that host is touched. A file the host already holds verified is not sent again.
/// </summary>
public sealed class PushStage : ITaskStage
{
    public StageName Name => StageName.Push;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var archive = await context.ArchiveAsync();
        var chain = await context.Session.ChainAsync(archive);
        var sent = await DeliverAsync(context, chain);
        await context.SaveAsync();
        var what = chain.Count == 1 ? archive.Label : $"{archive.Label} and the {chain.Count - 1} point(s) it builds on";
        return StageResult.Done(sent == 0
            ? $"{context.Target.Name} already holds {what}, SHA-256 verified."
            : $"{what} is on {context.Target.Name}, SHA-256 verified.");
    }

    /// <summary>Puts every file of the chain on the recovery host, verified; returns how many files were sent.</summary>
    public static async Task<int> DeliverAsync(TaskContext context, IReadOnlyList<Archive> chain)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(chain);
        var (target, transport) = (context.Target, context.Transport);
        var sent = 0;
        foreach (var point in chain)
        {
            if (point.RepositoryCopy.IsUnusable())
            {
                throw new StageFailedException(
                    $"A verify found the repository copy of restore point {point.Label} {point.RepositoryCopy.ToString().ToLowerInvariant()} ({point.RepositoryVerifiedAt:u}); it is never sent. Choose another restore point.");
            }
            if (!point.IsVerified)
            {
                throw new StageFailedException($"Restore point {point.Label} has no verified repository copy to send.");
            }
            var locals = point.Files.Select(f => context.Repository.PathOf(point, f)).ToList();
            foreach (var (file, local) in point.Files.Zip(locals))
            {
                if (!context.Repository.Exists(local))
                {
                    throw new StageFailedException($"The repository copy of {file.Name} is missing ({local}).");
                }
            }
            var remotes = context.TargetPathsOf(point);
            context.Reporter.Verifying($"the copy on {target.Name}");
            // A copy there is re-hashed before it is used, so one a verify found bad is replaced, never restored. The
            // point's files are hashed at once (the pull relays them, so usually all are there already).
            var found = await Task.WhenAll(remotes.Select(r => transport.RemoteSha256Async(target, r, context.Cancellation)));
            for (var i = 0; i < point.Files.Count; i++)
            {
                var (file, local, remote, existing) = (point.Files[i], locals[i], remotes[i], found[i]);
                if (!string.Equals(existing, file.Sha256, StringComparison.Ordinal))
                {
                    await SendAsync(context, point, local, remote, file);
                    sent++;
                    context.Reporter.Verifying($"the copy on {target.Name}");
                    existing = await transport.RemoteSha256Async(target, remote, context.Cancellation);
                }
                else
                {
                    context.Log($"{target.Name} already holds a verified copy of {file.Name}.");
                }
                if (!string.Equals(existing, file.Sha256, StringComparison.Ordinal))
                {
                    await transport.RemoveRemoteAsync(target, [remote], CancellationToken.None);
                    throw new StageFailedException(
                        $"The copy of {file.Name} on {target.Name} does not match the repository (SHA-256 {existing ?? "missing"} vs {file.Sha256}); it was removed and nothing on {target.Name} was changed.");
                }
            }
            point.OnRecovery = true;
            // Every file was hashed where it landed just now: whatever a verify found of an older copy is past.
            point.RecordCopy(CopyLocation.Recovery, CopyState.Good, context.Clock.UtcNow);
        }
        return sent;
    }

    /// <summary>Sends one repository file to the recovery host, refusing up front when it cannot fit there.</summary>
    private static async Task SendAsync(TaskContext context, Archive point, string local, string remote, ArchiveFile file)
    {
        var (target, transport) = (context.Target, context.Transport);
        var directory = target.StagingDirectory;
        var free = await transport.RemoteFreeBytesAsync(target, directory, context.Cancellation);
        if (free < file.SizeBytes)
        {
            await RemovePointAsync(context, point);
            throw new StageFailedException(
                $"{file.Name} needs {ByteSize.Format(file.SizeBytes)} on {target.Name}, but only {ByteSize.Format(free)} is free in {directory}. " +
                $"Nothing was sent; make room on {target.Name} and retry.");
        }
        try
        {
            await transport.PushAsync(local, target, remote, context.Reporter, context.Cancellation);
        }
        catch (TransferException ex) when (ex.DiskFull || !ex.Retryable)
        {
            // A transfer that cannot resume must not leave its partial data filling the recovery host's disk.
            await RemovePointAsync(context, point);
            var now = await transport.RemoteFreeBytesAsync(target, directory, CancellationToken.None);
            throw new StageFailedException(ex.Message + (ex.DiskFull
                ? $" {file.Name} needs {ByteSize.Format(file.SizeBytes)}; {ByteSize.Format(now)} is free in {directory} on {target.Name} after removing the partial copy."
                : $" The partial copy on {target.Name} was removed."), ex.LastLines);
        }
    }

    /// <summary>
    /// A point with a file that cannot be put on the recovery host is of no use there: what did land of it (the small log
    /// the pull relayed, the files sent before) goes too, so nothing half of it is left to fill that disk or be mistaken
    /// for a copy. Other points of the chain are untouched.
    /// </summary>
    private static async Task RemovePointAsync(TaskContext context, Archive point)
    {
        await context.Transport.RemoveRemoteAsync(context.Target, context.TargetPathsOf(point), CancellationToken.None);
        if (point.OnRecovery)
        {
            point.OnRecovery = false;
            point.RecordCopy(CopyLocation.Recovery, CopyState.Missing, context.Clock.UtcNow);
        }
    }

    public async Task RemovePartialsAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Task.ArchiveId is null)
        {
            return;
        }
        var archive = await context.ArchiveAsync();
        if (!archive.OnRecovery)
        {
            await context.Transport.RemoveRemoteAsync(context.Target, context.TargetPathsOf(archive), CancellationToken.None);
        }
    }
}
