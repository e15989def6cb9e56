using DrPortal.Core.Tasks;
using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// The Hangfire job: runs one task, then does what follows every task's end (<see cref="TaskOutcomes"/>: the audited
/// outcome, retention after a successful backup), and ends in the state that matches the task's, so the dashboard
/// tells the truth: a failed task is a Failed job with the task's reason, a cancelled one a Deleted job (Hangfire has
/// no Cancelled state, and Deleted is the one it uses for work nobody wants done any more). Hangfire passes its
/// shutdown token in place of the CancellationToken argument.
/// </summary>
internal sealed class TaskJob(Tasks.TaskRunner runner, TaskOutcomes outcomes)
{
    // The runner records failures on the task row, and the reconciler and the Retry button own retries: Hangfire must
    // never run a task a second time on its own, although the job now fails when the task does.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [CancelledTaskJobIsDeleted]
    [JobDisplayName("Task {0}")]
    public async Task RunAsync(long taskId, CancellationToken ct)
    {
        var before = await outcomes.StatusAsync(taskId);
        await runner.RunAsync(taskId, ct);
        var task = await outcomes.FinishAsync(taskId, before, ct);
        switch (task?.Status)
        {
            case DrTaskStatus.Failed:
                throw new TaskOutcomeException(taskId, DrTaskStatus.Failed, task.Error ?? "The task failed.");
            case DrTaskStatus.Cancelled:
                throw new TaskOutcomeException(taskId, DrTaskStatus.Cancelled, task.Error ?? "The task was cancelled.");
            case { } status when !status.IsFinished() && ct.IsCancellationRequested:
                // The portal is stopping and the task resumes at its next start: an aborted job, not a finished one.
                ct.ThrowIfCancellationRequested();
                break;
        }
    }
}
