namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>Removes the source host's copy of the new point once the repository holds it verified, when the pair says so.</summary>
public sealed class CleanupStage : ITaskStage
{
    public StageName Name => StageName.Cleanup;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (task, pair, source) = (context.Task, context.Pair, context.Source);
        if (task.Kind == DrTaskKind.Restore || !pair.RemoveSourceCopy)
        {
            return StageResult.Skipped(task.Kind == DrTaskKind.Restore
                ? "Nothing to clean: the recovery host keeps its copy as the fallback for the next restore."
                : $"The copy on {source.Name} is kept (the pair keeps source copies).");
        }
        var archive = await context.ArchiveAsync();
        if (!archive.IsVerified)
        {
            return StageResult.Skipped($"The copy on {source.Name} is kept: the repository copy is not verified.");
        }
        // The pull did not wait for the disk (the kernel writes the data back meanwhile); before the source's copy goes,
        // the repository's must be on the disk, so a power cut of the portal right after cannot lose the point.
        foreach (var file in archive.Files)
        {
            var local = context.Repository.PathOf(archive, file);
            if (!context.Repository.Exists(local))
            {
                return StageResult.Skipped($"The copy on {source.Name} is kept: the repository copy of {file.Name} is missing ({local}).");
            }
            context.Repository.MakeDurable(local);
        }
        var paths = archive.Files.Select(f => context.SourceDriver.StagingPathOf(source, f.Name)).ToList();
        await context.Transport.RemoveRemoteAsync(source, paths, context.Cancellation);
        archive.OnPrimary = false;
        await context.SaveAsync();
        return StageResult.Done($"Removed the copy on {source.Name}; the repository keeps the verified copy.");
    }
}
