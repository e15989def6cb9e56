using DrPortal.Core.Archives;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>Makes a new restore point on the source host and records its manifest; the driver names its files.</summary>
public sealed class BackupStage : ITaskStage
{
    public StageName Name => StageName.Backup;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (pair, source, driver) = (context.Pair, context.Source, context.SourceDriver);
        using var hostLock = await context.AcquireHostAsync(source);
        if (interrupted)
        {
            await context.StopLeftoversAsync(driver, source, StageName.Backup);
            if (await driver.ClearInterruptedBackupAsync(source, context.SourceVm, context.Cancellation) is { } cleared)
            {
                context.Log(cleared);
            }
        }
        RestorePointInfo? basePoint = null;
        if (driver.Profile.Capabilities.HasFlag(DriverCapabilities.Incremental)
            && await context.Session.NewestVerifiedAsync(pair.Id) is { } newest && newest.SourceHypervisorId == source.Id && newest.SourceVm == pair.SourceVm)
        {
            basePoint = RestorePointInfo.Of(newest);
        }
        var request = new BackupRequest(context.SourceVm, pair.BackupOptions, source.BandwidthLimitKiBps, basePoint);
        var outcome = await driver.BackupAsync(source, request, context.Reporter, context.Cancellation);
        if (outcome.Files.Count == 0)
        {
            throw new StageFailedException($"The backup on {source.Name} reported success but named no files.");
        }

        var archive = await context.Session.FindArchiveByLabelAsync(source.Id, outcome.Label);
        if (archive is null)
        {
            archive = new Archive
            {
                VmPairId = pair.Id,
                SourceHypervisorId = source.Id,
                SourceHypervisorName = source.Name,
                SourceVm = pair.SourceVm,
                Label = outcome.Label,
                CreatedAt = context.Clock.UtcNow,
                CreatedByTaskId = context.Task.Id,
            };
            context.Session.AddArchive(archive);
        }
        if (!archive.InRepository)
        {
            // A point is one backup's files: a rerun of the same backup describes them anew.
            archive.Files.Clear();
            archive.Files.AddRange(outcome.Files.Select(f => new ArchiveFile { Name = f.Name, Role = f.Role }));
            archive.Metadata = outcome.Metadata;
            archive.ParentArchiveId = outcome.BasedOn;
        }
        archive.OnPrimary = true;
        await context.SaveAsync();
        context.Task.ArchiveId = archive.Id;

        var shape = outcome.BasedOn is null ? "full" : $"incremental on {basePoint!.Label}";
        var warned = outcome.Warnings.Count > 0;
        return StageResult.Done(
            $"Restore point {outcome.Label} ({shape}, {outcome.Files.Count} file{(outcome.Files.Count == 1 ? "" : "s")}) written on {source.Name}" +
            (warned ? $" with {outcome.Warnings.Count} warning(s)." : "."), warned);
    }
}
