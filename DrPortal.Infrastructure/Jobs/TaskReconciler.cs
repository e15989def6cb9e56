using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// On start, hands every unfinished task to the executor again: Hangfire's in-memory queue did not survive
/// the stop, the database did. Queued tasks run; interrupted ones resume at their first unfinished stage.
/// </summary>
internal sealed partial class TaskReconciler(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    IJobQueue jobs,
    Core.Recovery.IRunQueue runs,
    ILogger<TaskReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == DrTaskStatus.Queued || t.Status == DrTaskStatus.Running || t.Status == DrTaskStatus.WaitingForHost)
            .OrderBy(t => t.Id).Select(t => new { t.Id, t.Status }).ToListAsync(cancellationToken);
        foreach (var task in unfinished)
        {
            LogResuming(logger, task.Id, task.Status);
            jobs.Enqueue(task.Id);
        }
        // Runs: unfinished ones resume their groups; finished drills whose scratch VMs are still there remove them when due.
        var openRuns = await db.DrRuns.AsNoTracking()
            .Where(r => r.Status == Core.Recovery.DrRunStatus.Queued || r.Status == Core.Recovery.DrRunStatus.Running
                        || (r.ScratchRemoveAt != null && r.ScratchRemovedAt == null))
            .OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var run in openRuns)
        {
            runs.Enqueue(run);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Handing task {TaskId} ({Status}) to the executor again after a restart")]
    private static partial void LogResuming(ILogger logger, long taskId, DrTaskStatus status);
}
