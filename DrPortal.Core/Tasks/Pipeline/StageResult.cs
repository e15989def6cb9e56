namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>How a stage ended, and the line it logs about it.</summary>
public sealed record StageResult(StageStatus Status, string? Message, bool Parked = false)
{
    /// <summary>
    /// The stage cannot go on yet and the task gives its thread up: it stays pending, the task waits for its turn, and
    /// whoever decides the turn queues it again.
    /// </summary>
    public static StageResult Park(string message) => new(StageStatus.Pending, message, Parked: true);

    public static StageResult Done(string message, bool warnings = false) =>
        new(warnings ? StageStatus.SucceededWithWarnings : StageStatus.Succeeded, message);

    public static StageResult Skipped(string message) => new(StageStatus.Skipped, message);
}
