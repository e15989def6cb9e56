namespace DrPortal.Core.Schedules;

/// <summary>What became of a claimed slot.</summary>
public enum ScheduleRunOutcome
{
    /// <summary>The slot is taken; its task is being requested.</summary>
    Claimed,

    /// <summary>A new task was queued for the slot.</summary>
    Queued,

    /// <summary>The pair already had a queued or running task of the kind; the slot is recorded against it instead of queueing a second one.</summary>
    Attached,

    /// <summary>No task could be requested (the reason is in the message).</summary>
    Failed,

    /// <summary>The pair is failed over: the slot would overwrite the VM that runs the service now, so it is paused (the message says why).</summary>
    Paused,
}

/// <summary>
/// One slot of a schedule. The row is inserted before anything is queued, and (ScheduleId, SlotTime) is unique,
/// so however many triggers fire for a slot — double triggers, restarts, two portal processes — one wins.
/// </summary>
public sealed class ScheduleRun
{
    public long Id { get; set; }
    public int ScheduleId { get; set; }

    /// <summary>The slot's instant, in UTC.</summary>
    public DateTimeOffset SlotTime { get; set; }

    public DateTimeOffset ClaimedAt { get; set; }

    /// <summary>Queued at start-up for a slot the portal was down for.</summary>
    public bool IsCatchUp { get; set; }

    public ScheduleRunOutcome Outcome { get; set; }
    public long? TaskId { get; set; }
    public string? Message { get; set; }
}
