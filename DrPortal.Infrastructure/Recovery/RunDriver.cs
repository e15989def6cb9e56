using DrPortal.Core.Recovery;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Recovery;

/// <summary>
/// Drives one run to its end: a look of the coordinator every second while it runs. A run with nothing to do until a
/// later time (a drill's kept scratch VMs) is scheduled for that time and the thread is given up; the portal's stop
/// leaves the run as it is, and the reconciler hands it over again at the next start.
/// </summary>
internal sealed partial class RunDriver(RunCoordinator coordinator, IBackgroundJobClient client, ILogger<RunDriver> logger)
{
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(1);

    public async Task RunAsync(long runId, CancellationToken ct)
    {
        var pickedUp = true;
        while (!ct.IsCancellationRequested)
        {
            RunStep step;
            try
            {
                step = await coordinator.StepAsync(runId, pickedUp, ct);
                pickedUp = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database hiccup must not strand the run: look again shortly.
                LogStepFailed(logger, ex, runId);
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                continue;
            }
            if (step.Finished)
            {
                return;
            }
            if (step.WakeAt is { } at)
            {
                client.Schedule<Jobs.DrRunJob>(Jobs.JobQueues.Runs, job => job.RunAsync(runId, CancellationToken.None), at);
                return;
            }
            await Task.Delay(Look, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A look at run {RunId} failed; trying again")]
    private static partial void LogStepFailed(ILogger logger, Exception ex, long runId);
}
