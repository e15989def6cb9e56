using DrPortal.Core.Archives;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Tests.Support;
using DrPortal.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DrPortal.Tests.Integration;

/// <summary>Finished tasks, their stages and restore points written straight into the portal's MariaDB, as runs leave them.</summary>
internal sealed class HistorySeed(PortalFactory portal)
{
    public const long MiB = 1024 * 1024;

    public async Task<DrPortalDbContext> DbAsync() =>
        await portal.Services.GetRequiredService<IDbContextFactory<DrPortalDbContext>>().CreateDbContextAsync();

    /// <summary>A restore point of the pair; in the repository (verified, with a checksum) unless said otherwise.</summary>
    public async Task<Archive> ArchiveAsync(VmPairDto pair, DateTimeOffset createdAt, long sizeBytes, bool inRepository = true, bool onRecovery = false)
    {
        await using var db = await DbAsync();
        var name = $"vzdump-qemu-{pair.SourceVm}-{createdAt:yyyy_MM_dd-HH_mm_ss}-{Guid.NewGuid():N}.vma.zst";
        var archive = new Archive
        {
            VmPairId = pair.Id,
            SourceHypervisorId = pair.SourceHypervisorId,
            SourceHypervisorName = pair.SourceHypervisorName!,
            SourceVm = pair.SourceVm,
            Label = name,
            CreatedAt = createdAt,
            PulledAt = inRepository ? createdAt : null,
            SizeBytes = sizeBytes,
            InRepository = inRepository,
            OnRecovery = onRecovery,
            Files = [new ArchiveFile { Name = name, Role = "archive", SizeBytes = sizeBytes, Sha256 = inRepository ? new string('b', 64) : null }],
        };
        db.Archives.Add(archive);
        await db.SaveChangesAsync();
        return archive;
    }

    /// <summary>
    /// A finished task of the pair whose stages ran back to back from <paramref name="startedAt"/>, each for the given
    /// seconds (a null length is a skipped stage).
    /// </summary>
    public async Task<DrTask> TaskAsync(VmPairDto pair, DrTaskKind kind, DrTaskStatus status, DateTimeOffset startedAt, long? archiveId,
        params (StageName Stage, double? Seconds)[] stages)
    {
        await using var db = await DbAsync();
        var task = new DrTask
        {
            Kind = kind,
            VmPairId = pair.Id,
            PairLabel = $"{pair.SourceHypervisorName}/{pair.SourceVm} → {pair.TargetHypervisorName}/{pair.TargetVm}",
            Status = status,
            RequestedBy = "seed",
            CreatedAt = startedAt,
            StartedAt = startedAt,
            ArchiveId = archiveId,
            Error = status == DrTaskStatus.Failed ? "seeded failure" : null,
        };
        var at = startedAt;
        var position = 0;
        foreach (var (stage, seconds) in stages)
        {
            var row = new DrTaskStage { Name = stage, Position = position++, Attempts = 1 };
            if (seconds is { } s)
            {
                row.Status = StageStatus.Succeeded;
                row.StartedAt = row.AttemptStartedAt = at;
                at = at.AddSeconds(s);
                row.FinishedAt = at;
            }
            else
            {
                row.Status = StageStatus.Skipped;
                row.FinishedAt = at;
            }
            task.Stages.Add(row);
        }
        task.FinishedAt = at;
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        return task;
    }
}
