namespace DrPortal.Core.History;

/// <summary>Finished tasks of a window that succeeded (with or without warnings) against those that failed; cancelled ones count for neither.</summary>
public sealed record SuccessRate(int Days, int Succeeded, int Failed)
{
    /// <summary>0–100; null when no task finished in the window.</summary>
    public double? Percent => Succeeded + Failed == 0 ? null : 100.0 * Succeeded / (Succeeded + Failed);
}
