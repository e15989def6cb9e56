namespace DrPortal.Core.Tasks;

/// <summary>Progress of the running stage: percent 0–100, bytes, and rate when the tool reports one.</summary>
public sealed record StageProgress(double Percent, long BytesDone, long? BytesTotal, double? BytesPerSecond = null);

/// <summary>Where drivers and transports report what a stage is doing: log lines and progress.</summary>
public interface IStageReporter
{
    void Log(string line);

    void Progress(StageProgress progress);

    /// <summary>SHA-256 of <paramref name="what"/> is being computed (no progress of its own); the next Progress ends it.</summary>
    void Verifying(string what) { }

    /// <summary>A long host command started (its process, to stop it if the portal loses it); ignored by default.</summary>
    void HostCommandStarted(Hypervisors.HostProcess process) { }
}
