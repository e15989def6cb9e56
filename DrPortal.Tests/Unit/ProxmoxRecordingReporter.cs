using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Unit;

/// <summary>An <see cref="IStageReporter"/> that keeps what it was told.</summary>
internal sealed class ProxmoxRecordingReporter : IStageReporter
{
    public List<string> Lines { get; } = [];

    public List<StageProgress> Progresses { get; } = [];

    public List<HostProcess> Processes { get; } = [];

    public void Log(string line) => Lines.Add(line);

    public void Progress(StageProgress progress) => Progresses.Add(progress);

    public void HostCommandStarted(HostProcess process) => Processes.Add(process);
}
