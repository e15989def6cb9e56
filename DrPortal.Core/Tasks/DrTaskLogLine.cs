namespace DrPortal.Core.Tasks;

/// <summary>One line of a task's log: the portal's own notes and the remote commands' output, in order.</summary>
public sealed class DrTaskLogLine
{
    public const int MaxLength = 2000;

    public long Id { get; set; }
    public long DrTaskId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Line { get; set; } = "";
}
