using DrPortal.Core.Archives;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;

namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// Runs one task through its stages and only sequences them: every stage is persisted when it starts and when it
/// ends, so a task interrupted by a stop or a crash resumes at its first unfinished stage. A failure is reported in
/// words and with the failing command's last output lines; a cancel removes what the unfinished stage left.
/// </summary>
public sealed class TaskPipeline(IEnumerable<ITaskStage> stages)
{
    private readonly IReadOnlyDictionary<StageName, ITaskStage> _stages = stages.ToDictionary(s => s.Name);

    /// <summary>The stages of the switch, one object each.</summary>
    public static TaskPipeline Standard { get; } = new(
        [new PreflightStage(), new ShutdownStage(), new BackupStage(), new PullStage(), new PushStage(), new RestoreStage(), new NetworkStage(),
         new AwaitTurnStage(), new StartStage(), new BootCheckStage(), new CleanupStage(), new VerifyStage()]);

    /// <param name="onUnexpected">Told of a failure no stage expected (a bug), before the task fails with it.</param>
    /// <param name="shutdown">The portal is stopping: the task stays as it is and resumes at its stage on the next start.</param>
    public async Task ExecuteAsync(TaskContext context, Action<Exception> onUnexpected, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onUnexpected);
        var (task, clock) = (context.Task, context.Clock);
        try
        {
            if (task.CancelRequested)
            {
                throw new OperationCanceledException();
            }
            var resumed = task.Attempts > 0;
            task.MarkStarted(clock.UtcNow);
            await context.SaveAsync();
            context.Log(resumed
                ? $"Resuming {task.Kind} of pair #{context.Pair.Id} ({context.Pair.Describe()}), attempt {task.Attempts}."
                : $"Starting {task.Kind} of pair #{context.Pair.Id} ({context.Pair.Describe()}), requested by {task.RequestedBy}.");

            while (task.NextStage() is { } stage)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var interrupted = stage.Status == StageStatus.Running;
                task.BeginStage(stage, clock.UtcNow);
                await context.SaveAsync();
                context.Log(interrupted ? $"== {stage.Name} (again: it was interrupted)" : $"== {stage.Name}");
                var runner = _stages.GetValueOrDefault(stage.Name) ?? throw new StageFailedException($"Unknown stage {stage.Name}.");
                var result = await runner.RunAsync(context, interrupted);
                if (result.Parked)
                {
                    stage.Status = StageStatus.Pending;
                    stage.Attempts--;
                    task.Status = DrTaskStatus.WaitingForTurn;
                    task.CurrentStage = stage.Name;
                    await context.SaveAsync();
                    context.Log(result.Message ?? "Waiting for its turn.");
                    return;
                }
                task.EndStage(stage, result.Status, clock.UtcNow, result.Message);
                await context.SaveAsync();
                if (result.Message is not null)
                {
                    context.Log(result.Message);
                }
            }
            task.Succeed(clock.UtcNow);
            context.Log(task.Status == DrTaskStatus.SucceededWithWarnings ? "Finished with warnings." : "Finished.");
            await context.SaveAsync();
        }
        catch (OperationCanceledException)
        {
            if (shutdown.IsCancellationRequested && !await context.Session.CancelRequestedAsync())
            {
                context.Log("The portal is stopping; the task will resume when it starts again.");
            }
            else
            {
                await CancelAsync(context);
            }
        }
        catch (Exception ex) when (ex is StageFailedException or HypervisorCommandException or TransferException
                                       or RemoteConnectionException or HostKeyMismatchException)
        {
            var output = ex switch
            {
                StageFailedException s => s.Output,
                HypervisorCommandException h => h.LastLines,
                TransferException t => t.LastLines,
                _ => null,
            };
            await FailAsync(context, ex.Message, output ?? context.Reporter.LastLines(20));
        }
#pragma warning disable CA1031 // Any other failure still ends the task with a reason rather than leaving it running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            onUnexpected(ex);
            await FailAsync(context, $"Unexpected error: {ex.Message}", context.Reporter.LastLines(20));
        }
        finally
        {
            context.Feed.Publish(TaskUpdate.Of(task));
        }
    }

    private async Task CancelAsync(TaskContext context)
    {
        var stage = context.Task.CurrentStage;
        context.Log($"Cancelled{(stage is null ? "" : $" during {stage}")}; removing partial files.");
        try
        {
            if (stage is { } name && _stages.GetValueOrDefault(name) is { } running)
            {
                await running.RemovePartialsAsync(context);
            }
        }
#pragma warning disable CA1031 // Cleanup is best effort; the task is cancelled regardless.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.Log($"Cleanup after cancel was incomplete: {ex.Message}");
        }
        context.Task.Cancel(stage is null ? "Cancelled." : $"Cancelled during {stage}.", context.Clock.UtcNow);
        await context.SaveAsync();
    }

    private static async Task FailAsync(TaskContext context, string reason, IEnumerable<string>? output)
    {
        context.Log($"FAILED: {reason}");
        context.Task.Fail(reason, output, context.Clock.UtcNow);
        await context.SaveAsync();
    }
}
