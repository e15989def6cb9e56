using DrPortal.Core.Tasks;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>Ends a task's Hangfire job as the task ended when that was not a success; the message is the task's reason.</summary>
internal sealed class TaskOutcomeException(long taskId, DrTaskStatus status, string reason)
    : Exception($"Task {taskId} {(status == DrTaskStatus.Cancelled ? "was cancelled" : "failed")}: {reason}")
{
    public long TaskId { get; } = taskId;

    public DrTaskStatus Status { get; } = status;
}
