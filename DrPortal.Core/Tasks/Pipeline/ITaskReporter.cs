namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>A task's log and progress, with the tail of its log for failure reports.</summary>
public interface ITaskReporter : IStageReporter, IAsyncDisposable
{
    /// <summary>The newest log lines, oldest first.</summary>
    IReadOnlyList<string> LastLines(int count);
}
