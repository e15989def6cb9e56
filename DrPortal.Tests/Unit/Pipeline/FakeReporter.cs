using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Tests.Unit.Pipeline;

internal sealed class FakeReporter : ITaskReporter
{
    public List<string> Lines { get; } = [];

    public void Log(string line) => Lines.Add(line);

    public void Progress(StageProgress progress)
    {
    }

    public IReadOnlyList<string> LastLines(int count) => Lines.TakeLast(count).ToList();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
