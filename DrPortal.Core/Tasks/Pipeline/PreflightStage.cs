namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>Everything that can be known before the backup: a run that would fail at its last stage fails here, in seconds.</summary>
public sealed class PreflightStage : ITaskStage
{
    public StageName Name => StageName.Preflight;

    public async Task<StageResult> RunAsync(TaskContext context, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Task.IsRunMember)
        {
            return await RunPreflight.RunAsync(context);
        }
        // The same report the confirmation dialog showed, asked again now.
        var report = await CheckAsync(context, context.Task.Kind);
        return new StageResult(StageStatus.Succeeded, report.TargetSummary);
    }

    /// <summary>Asks the pair's pre-flight for a task of this kind, logs every check, and fails the stage when it cannot run.</summary>
    internal static async Task<PreflightReport> CheckAsync(TaskContext context, DrTaskKind kind)
    {
        var report = await context.Preflight.CheckAsync(context.Pair.Id, kind, context.Task.ArchiveId, context.Cancellation)
            ?? throw new StageFailedException("The VM pair of this task was deleted.");
        foreach (var check in report.Checks)
        {
            context.Log($"{(check.Status switch { PreflightStatus.Passed => "ok  ", PreflightStatus.Warning => "warn", _ => "FAIL" })} {check.Name}: {check.Message}");
        }
        if (!report.CanRun)
        {
            throw new StageFailedException(string.Join(" ", report.Failures.Select(f => f.Message)));
        }
        return report;
    }
}
