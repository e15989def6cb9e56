using DrPortal.Core.Tasks;
using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>The Hangfire queues, each served by its own threads (see AddInfrastructure).</summary>
internal static class JobQueues
{
    public const string Tasks = "tasks";

    public const string Schedules = "schedules";
}

/// <summary>Hands task ids to Hangfire. Only the id travels: the task itself lives in MariaDB.</summary>
internal sealed class HangfireJobQueue(IBackgroundJobClient client) : IJobQueue
{
    public void Enqueue(long taskId) => client.Enqueue<TaskJob>(JobQueues.Tasks, job => job.RunAsync(taskId, CancellationToken.None));
}

/// <summary>The Hangfire job: runs one task. Hangfire passes its shutdown token in place of the CancellationToken argument.</summary>
internal sealed class TaskJob(Tasks.TaskRunner runner)
{
    // The runner records failures on the task row; Hangfire must never run a task a second time on its own.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Task {0}")]
    public Task RunAsync(long taskId, CancellationToken ct) => runner.RunAsync(taskId, ct);
}
