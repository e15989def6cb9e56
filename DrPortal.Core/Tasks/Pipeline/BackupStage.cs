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
            && await context.Session.NewestVerifiedAsync(pair.Id, fromHost: source.Id) is { } newest && newest.SourceVm == context.SourceVm.Value)
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
                SourceVm = context.SourceVm.Value,
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

        if (!context.Task.IsReversed)
        {
            await RecordSourceNicsAsync(context);
        }

        var shape = outcome.BasedOn is null ? "full" : $"incremental on {basePoint!.Label}";
        var warned = outcome.Warnings.Count > 0;
        return StageResult.Done(
            $"Restore point {outcome.Label} ({shape}, {outcome.Files.Count} file{(outcome.Files.Count == 1 ? "" : "s")}) written on {source.Name}" +
            (warned ? $" with {outcome.Warnings.Count} warning(s)." : "."), warned);
    }

    /// <summary>
    /// The source VM's NICs as they are now: what a failback puts back after a failover moved them to the recovery
    /// site's networks. Best effort: a host that cannot list them keeps the last record.
    /// </summary>
    private static async Task RecordSourceNicsAsync(TaskContext context)
    {
        try
        {
            var nics = await context.SourceDriver.ListNicsAsync(context.Source, context.SourceVm, context.Cancellation);
            context.Pair.SourceNics = [.. nics];
            await context.SaveAsync();
        }
        catch (Exception ex) when (ex is HypervisorCommandException or NotSupportedException)
        {
            context.Log($"The NICs of {context.SourceVmLabel} could not be recorded ({ex.Message}); a failback keeps the last record.");
        }
    }
}
