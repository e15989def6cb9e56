namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>How a stage ended, and the line it logs about it.</summary>
public sealed record StageResult(StageStatus Status, string? Message)
{
    public static StageResult Done(string message, bool warnings = false) =>
        new(warnings ? StageStatus.SucceededWithWarnings : StageStatus.Succeeded, message);

    public static StageResult Skipped(string message) => new(StageStatus.Skipped, message);
}
