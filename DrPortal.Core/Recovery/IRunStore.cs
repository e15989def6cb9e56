namespace DrPortal.Core.Recovery;

/// <summary>Opens a run for its coordinator, fresh from the database each time.</summary>
public interface IRunStore
{
    /// <returns>null when the run does not exist.</returns>
    Task<IRunUnit?> OpenAsync(long runId);
}
