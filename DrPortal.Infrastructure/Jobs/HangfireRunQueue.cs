using DrPortal.Core.Recovery;
using Hangfire;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>Hands run ids to Hangfire's "runs" queue, whose threads are the runs' own (see AddInfrastructure).</summary>
internal sealed class HangfireRunQueue(IBackgroundJobClient client) : IRunQueue
{
    public void Enqueue(long runId) => client.Enqueue<DrRunJob>(JobQueues.Runs, job => job.RunAsync(runId, CancellationToken.None));
}
