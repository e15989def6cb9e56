namespace DrPortal.Core.Tasks;

public enum PreflightStatus
{
    Passed,

    /// <summary>Could not be known (a host did not answer, free space unknown); the run may go on, the user is told.</summary>
    Warning,

    /// <summary>The run would fail or do harm; nothing is started.</summary>
    Failed,
}
