namespace DrPortal.Core.Tasks.Pipeline;

/// <summary>A stage failed for a reason to show the user; the task fails with it.</summary>
/// <param name="output">The failing command's last lines, when there was one.</param>
public sealed class StageFailedException(string message, IReadOnlyList<string>? output = null) : Exception(message)
{
    public IReadOnlyList<string>? Output { get; } = output;
}
