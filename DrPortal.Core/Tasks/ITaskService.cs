using DrPortal.Core.Common;

namespace DrPortal.Core.Tasks;

public sealed record TaskQuery(DrTaskStatus? Status = null, int? PairId = null, DrTaskKind? Kind = null, int Skip = 0, int Take = 50)
{
    public const int MaxTake = 500;
}

public sealed record TaskPage(IReadOnlyList<DrTask> Items, int Total);

/// <summary>What users (portal, API, schedules) ask of tasks. Requests create the row first, then hand its id to the executor.</summary>
public interface ITaskService
{
    /// <summary>
    /// Queues a task for a pair, or returns the pair's queued or running task of the same kind
    /// (<c>Created</c> tells which). Restore takes an archive id; without one, the newest verified archive.
    /// </summary>
    Task<Result<TaskRequestOutcome>> RequestAsync(int pairId, DrTaskKind kind, long? archiveId, string actor, CancellationToken ct);

    /// <summary>
    /// <see cref="RequestAsync"/> for a schedule's slot (Backup or Replicate): a new task records the schedule and
    /// whether it catches up a slot the portal missed. An active task of the kind is returned as it is.
    /// </summary>
    Task<Result<TaskRequestOutcome>> RequestScheduledAsync(int pairId, DrTaskKind kind, ScheduledRequest origin, CancellationToken ct);

    Task<Result<DrTask>> CancelAsync(long taskId, string actor, CancellationToken ct);

    /// <summary>Queues a failed task again; it resumes at the stage that failed.</summary>
    Task<Result<DrTask>> RetryAsync(long taskId, string actor, CancellationToken ct);

    Task<DrTask?> FindAsync(long taskId, CancellationToken ct);

    /// <summary>The tasks of these ids that exist, with their stages, in one read (a list's "last run" column).</summary>
    Task<IReadOnlyDictionary<long, DrTask>> FindManyAsync(IReadOnlyCollection<long> taskIds, CancellationToken ct);

    Task<TaskPage> QueryAsync(TaskQuery query, CancellationToken ct);

    /// <summary>The newest task of each of the pairs, with its stages, in one read; pairs that never ran are absent.</summary>
    Task<IReadOnlyDictionary<int, DrTask>> LastPerPairAsync(IReadOnlyCollection<int> pairIds, CancellationToken ct);

    /// <summary>Log lines after <paramref name="afterId"/> (0 = from the start), oldest first.</summary>
    Task<IReadOnlyList<DrTaskLogLine>> ReadLogAsync(long taskId, long afterId, int take, CancellationToken ct);
}

public sealed record TaskRequestOutcome(DrTask Task, bool Created);

/// <summary>Which schedule asks for a task, and whether for a missed slot.</summary>
public sealed record ScheduledRequest(int ScheduleId, bool IsCatchUp)
{
    public string Actor => $"schedule #{ScheduleId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>Executes tasks by id. Hidden behind this interface so the executor (Hangfire today) can change.</summary>
public interface IJobQueue
{
    void Enqueue(long taskId);
}

/// <summary>
/// In-process feed of task changes for live pages: the runner publishes, components subscribe.
/// Deliveries are fire-and-forget; a slow subscriber must not slow a task.
/// </summary>
public interface ITaskFeed
{
    IDisposable Subscribe(Action<TaskUpdate> onUpdate);

    void Publish(TaskUpdate update);
}

/// <summary>
/// A snapshot of a task's visible state (and, optionally, a new log line) at one moment. <see cref="Verifying"/> is what
/// the stage hashes while it does (see <see cref="DrTask.Verifying"/>).
/// </summary>
public sealed record TaskUpdate(
    long TaskId, int? PairId, DrTaskKind Kind, DrTaskStatus Status, StageName? Stage, double Percent,
    long BytesDone, long? BytesTotal, double? Throughput, string? LogLine, string? Verifying = null)
{
    public static TaskUpdate Of(DrTask t, string? logLine = null) =>
        new(t.Id, t.VmPairId, t.Kind, t.Status, t.CurrentStage, t.Percent, t.BytesDone, t.BytesTotal, t.Throughput, logLine, t.Verifying);
}
