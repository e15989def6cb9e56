using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// Runs one task by id: takes an execution slot, loads the task with its pair and hosts, and hands it to the
/// pipeline (<see cref="TaskPipeline"/>, in Core) with this portal's adapters: MariaDB, the repository, rsync, the host locks.
/// </summary>
internal sealed partial class TaskRunner(
    IDbContextFactory<DrPortalDbContext> dbFactory,
    HypervisorDrivers drivers,
    IPairPreflight preflight,
    IArchiveTransport transport,
    ArchiveRepository repository,
    HostLocks hostLocks,
    TaskSlots slots,
    TaskCancellations cancellations,
    ITaskFeed feed,
    IClock clock,
    Core.Notifications.IOperationalEvents events,
    Core.Remote.IRemoteShell shell,
    ILogger<TaskRunner> logger)
{
    public async Task RunAsync(long taskId, CancellationToken shutdown)
    {
        var cts = cancellations.Register(taskId, shutdown);
        TaskSlots.Lease? slot = null;
        try
        {
            try
            {
                slot = await slots.TakeAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
            {
                // Cancelled while waiting for a slot: go on without one, only to record the cancellation.
            }
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var task = await db.Tasks.Include(t => t.Stages)
                .Include(t => t.VmPair!).ThenInclude(p => p.SourceHypervisor)
                .Include(t => t.VmPair!).ThenInclude(p => p.TargetHypervisor)
                .AsSplitQuery().FirstOrDefaultAsync(t => t.Id == taskId, CancellationToken.None);
            if (task is null || task.IsFinished)
            {
                return;
            }
            if (task.VmPair is null)
            {
                task.Fail("The VM pair of this task was deleted.", null, clock.UtcNow);
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            await using var reporter = new TaskReporter(task, dbFactory, feed, clock);
            var context = new TaskContext
            {
                Task = task,
                Session = new EfTaskSession(db, dbFactory, taskId),
                Reporter = reporter,
                Drivers = drivers,
                Transport = transport,
                Repository = repository,
                Hosts = new HostGate(hostLocks, slot),
                Preflight = preflight,
                Feed = feed,
                Clock = clock,
                Events = events,
                Shell = shell,
                Cancellation = cts.Token,
            };
            await TaskPipeline.Standard.ExecuteAsync(context, ex => LogUnexpected(logger, ex, taskId), shutdown);
        }
        finally
        {
            slot?.Dispose();
            cancellations.Unregister(taskId, cts);
            cts.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Task {TaskId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception ex, long taskId);
}
