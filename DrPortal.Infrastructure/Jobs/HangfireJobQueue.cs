using DrPortal.Core.Tasks;
using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>The Hangfire queues, each served by its own threads (see AddInfrastructure).</summary>
internal static class JobQueues
{
    public const string Tasks = "tasks";

    public const string Schedules = "schedules";

    /// <summary>Drill, failover and failback runs: they wait on their children, so they must never take the children's threads.</summary>
    public const string Runs = "runs";
}

/// <summary>Hands task ids to Hangfire. Only the id travels: the task itself lives in MariaDB.</summary>
internal sealed class HangfireJobQueue(IBackgroundJobClient client) : IJobQueue
{
    public void Enqueue(long taskId) => client.Enqueue<TaskJob>(JobQueues.Tasks, job => job.RunAsync(taskId, CancellationToken.None));
}
