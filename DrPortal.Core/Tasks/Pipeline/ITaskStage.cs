namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>
/// One stage of the pipeline. Running it again is safe: a run that was interrupted (a crash, a stop) runs the stage
/// again with <c>interrupted</c> set, and the stage first clears what the lost attempt left.
/// </summary>
public interface ITaskStage
{
    StageName Name { get; }

    Task<StageResult> RunAsync(TaskContext context, bool interrupted);

    /// <summary>After a cancel during this stage: removes what it left half-done; finished copies and the recovery VM stay.</summary>
    Task RemovePartialsAsync(TaskContext context) => Task.CompletedTask;
}
