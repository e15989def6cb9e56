namespace DrPortal.Core.Tasks;

/// <summary>One stage of a task, persisted when it starts and when it ends so a restart resumes at the first unfinished one.</summary>
public sealed class DrTaskStage
{
    public long Id { get; set; }
    public long DrTaskId { get; set; }
    public StageName Name { get; set; }
    public int Position { get; set; }
    public StageStatus Status { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>A short human-readable outcome ("archive 1.2 GiB in 31 s", "skipped: the pair does not start VMs").</summary>
    public string? Message { get; set; }

    /// <summary>How many times the stage was begun: more than one after a retry or a resume.</summary>
    public int Attempts { get; set; }

    /// <summary>When the last attempt began; <see cref="StartedAt"/> keeps the first. Null on rows from before attempts were counted.</summary>
    public DateTimeOffset? AttemptStartedAt { get; set; }

    /// <summary>When the last attempt began, or the first start on rows that do not record attempts.</summary>
    public DateTimeOffset? LastStartedAt => AttemptStartedAt ?? StartedAt;

    /// <summary>
    /// How long the last attempt took: a retried stage does not count the time it sat failed, nor the attempts before.
    /// </summary>
    public TimeSpan? Duration => LastStartedAt is { } s && FinishedAt is { } f ? f - s : null;

    /// <summary>The host command this stage started last (backup, restore): PID and start time, so a resume can stop it.</summary>
    public int? HostPid { get; set; }

    /// <inheritdoc cref="HostPid"/>
    public long? HostPidStartTime { get; set; }

    public Hypervisors.HostProcess? HostProcess => HostPid is { } pid && HostPidStartTime is { } start ? new(pid, start) : null;

}
