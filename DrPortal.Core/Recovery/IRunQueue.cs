namespace DrPortal.Core.Recovery;

/// <summary>Executes drill, failover and failback runs by id, on threads of their own so a run never waits for its own children.</summary>
public interface IRunQueue
{
    void Enqueue(long runId);
}
