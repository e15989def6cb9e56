using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;

namespace DrPortal.Tests.Components;

/// <summary>Tasks in memory. Requests are recorded and create a queued task (or return the active one, as the service does).</summary>
internal sealed class FakeTaskService : ITaskService
{
    public List<DrTask> Tasks { get; } = [];
    public List<(int PairId, DrTaskKind Kind, long? ArchiveId)> Requests { get; } = [];
    public List<long> Cancelled { get; } = [];
    public List<DrTaskLogLine> Log { get; } = [];

    /// <summary>Adds a task as the database would hold it, with its planned stages.</summary>
    public DrTask Add(DrTaskKind kind, DrTaskStatus status, VmPair pair, DateTimeOffset createdAt, string requestedBy = "operator")
    {
        var task = DrTask.Create(kind, pair, requestedBy, createdAt, kind == DrTaskKind.Restore ? 1 : null);
        task.Id = Tasks.Count == 0 ? 1 : Tasks.Max(t => t.Id) + 1;
        task.Status = status;
        if (status.IsFinished())
        {
            task.ActiveKey = null;
            task.StartedAt = createdAt;
            task.FinishedAt = createdAt.AddMinutes(2);
        }
        else if (status != DrTaskStatus.Queued)
        {
            task.StartedAt = createdAt;
        }
        Tasks.Add(task);
        return task;
    }

    public Task<Result<TaskRequestOutcome>> RequestAsync(int pairId, DrTaskKind kind, long? archiveId, string actor, CancellationToken ct)
    {
        Requests.Add((pairId, kind, archiveId));
        var active = Tasks.FirstOrDefault(t => t.VmPairId == pairId && t.Kind == kind && !t.IsFinished);
        if (active is not null)
        {
            return Task.FromResult(Result<TaskRequestOutcome>.Ok(new TaskRequestOutcome(active, Created: false)));
        }
        var pair = new VmPair { Id = pairId };
        var task = DrTask.Create(kind, pair, actor, DateTimeOffset.UtcNow, archiveId ?? (kind == DrTaskKind.Restore ? 1 : null));
        task.Id = Tasks.Count == 0 ? 1 : Tasks.Max(t => t.Id) + 1;
        Tasks.Add(task);
        return Task.FromResult(Result<TaskRequestOutcome>.Ok(new TaskRequestOutcome(task, Created: true)));
    }

    public Task<Result<DrTask>> CancelAsync(long taskId, string actor, CancellationToken ct)
    {
        Cancelled.Add(taskId);
        var task = Tasks.Single(t => t.Id == taskId);
        return Task.FromResult(Result<DrTask>.Ok(task));
    }

    public Task<Result<TaskRequestOutcome>> RequestScheduledAsync(int pairId, DrTaskKind kind, ScheduledRequest origin, CancellationToken ct) =>
        RequestAsync(pairId, kind, null, "schedule", ct);

    public List<long> Retried { get; } = [];

    public Task<Result<DrTask>> RetryAsync(long taskId, string actor, CancellationToken ct)
    {
        var task = Tasks.Single(t => t.Id == taskId);
        Retried.Add(taskId);
        task.Status = DrTaskStatus.Queued;
        return Task.FromResult(Result<DrTask>.Ok(task));
    }

    public Task<DrTask?> FindAsync(long taskId, CancellationToken ct) =>
        Task.FromResult(Tasks.FirstOrDefault(t => t.Id == taskId) is { } task ? Snapshot(task) : null);

    public Task<IReadOnlyDictionary<long, DrTask>> FindManyAsync(IReadOnlyCollection<long> taskIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<long, DrTask>>(Tasks.Where(t => taskIds.Contains(t.Id)).ToDictionary(t => t.Id, Snapshot));

    public Task<TaskPage> QueryAsync(TaskQuery query, CancellationToken ct)
    {
        var matching = Tasks
            .Where(t => query.Status is null || t.Status == query.Status)
            .Where(t => query.PairId is null || t.VmPairId == query.PairId)
            .Where(t => query.Kind is null || t.Kind == query.Kind)
            .OrderByDescending(t => t.Id).ToList();
        return Task.FromResult(new TaskPage(matching.Skip(query.Skip).Take(query.Take).Select(Snapshot).ToList(), matching.Count));
    }

    public Task<IReadOnlyDictionary<int, DrTask>> LastPerPairAsync(IReadOnlyCollection<int> pairIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<int, DrTask>>(Tasks
            .Where(t => t.VmPairId is { } id && pairIds.Contains(id))
            .GroupBy(t => t.VmPairId!.Value)
            .ToDictionary(g => g.Key, g => Snapshot(g.MaxBy(t => t.Id)!)));

    /// <summary>
    /// A copy, as each database read gives: a page must not see a test's later change to the stored task
    /// except through the feed or a new read.
    /// </summary>
    private static DrTask Snapshot(DrTask t) => new()
    {
        Id = t.Id,
        Kind = t.Kind,
        VmPairId = t.VmPairId,
        PairLabel = t.PairLabel,
        Status = t.Status,
        CurrentStage = t.CurrentStage,
        Percent = t.Percent,
        BytesDone = t.BytesDone,
        BytesTotal = t.BytesTotal,
        Throughput = t.Throughput,
        Verifying = t.Verifying,
        RequestedBy = t.RequestedBy,
        CreatedAt = t.CreatedAt,
        StartedAt = t.StartedAt,
        FinishedAt = t.FinishedAt,
        Error = t.Error,
        ErrorOutput = t.ErrorOutput,
        ArchiveId = t.ArchiveId,
        Attempts = t.Attempts,
        ActiveKey = t.ActiveKey,
        Stages = [.. t.Stages.Select(s => new DrTaskStage
        {
            Id = s.Id, DrTaskId = s.DrTaskId, Name = s.Name, Position = s.Position, Status = s.Status,
            StartedAt = s.StartedAt, FinishedAt = s.FinishedAt, Message = s.Message, Attempts = s.Attempts, AttemptStartedAt = s.AttemptStartedAt,
        })],
    };

    /// <summary>Tests that add lines while a page polls lock <see cref="Log"/>, as this does.</summary>
    public Task<IReadOnlyList<DrTaskLogLine>> ReadLogAsync(long taskId, long afterId, int take, CancellationToken ct)
    {
        lock (Log)
        {
            return Task.FromResult<IReadOnlyList<DrTaskLogLine>>(Log.Where(l => l.DrTaskId == taskId && l.Id > afterId).OrderBy(l => l.Id).Take(take).ToList());
        }
    }
}
