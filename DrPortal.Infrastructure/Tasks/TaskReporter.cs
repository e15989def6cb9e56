using System.Threading.Channels;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Tasks;
using DrPortal.Core.Tasks.Pipeline;
using DrPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DrPortal.Infrastructure.Tasks;

/// <summary>
/// Collects a running task's log lines and progress from any thread, publishes them to the live feed
/// at once and writes them to the database in batches (a log line is never lost on a clean stop; progress
/// is at most half a second stale in the database). Output of hosts is text from the outside world:
/// control characters are removed and long lines cut before anything is stored or shown.
/// </summary>
internal sealed class TaskReporter : ITaskReporter
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    private readonly DrTask _task;
    private readonly IDbContextFactory<DrPortalDbContext> _dbFactory;
    private readonly ITaskFeed _feed;
    private readonly IClock _clock;
    private readonly Channel<DrTaskLogLine> _lines = Channel.CreateUnbounded<DrTaskLogLine>();
    private readonly Lock _progressLock = new();
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop = new();
    private bool _progressChanged;

    public TaskReporter(DrTask task, IDbContextFactory<DrPortalDbContext> dbFactory, ITaskFeed feed, IClock clock)
    {
        _task = task;
        _dbFactory = dbFactory;
        _feed = feed;
        _clock = clock;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>The last lines logged, for a failure report.</summary>
    public Queue<string> Tail { get; } = new();

    public void Log(string line)
    {
        var clean = Clean(line);
        lock (Tail)
        {
            Tail.Enqueue(clean);
            while (Tail.Count > 30)
            {
                Tail.Dequeue();
            }
        }
        _lines.Writer.TryWrite(new DrTaskLogLine { DrTaskId = _task.Id, At = _clock.UtcNow, Line = clean });
        _feed.Publish(TaskUpdate.Of(_task, clean));
    }

    public void Progress(StageProgress progress)
    {
        lock (_progressLock)
        {
            _task.Percent = Math.Clamp(progress.Percent, 0, 100);
            _task.BytesDone = progress.BytesDone;
            _task.BytesTotal = progress.BytesTotal;
            _task.Throughput = progress.BytesPerSecond;
            // New progress means the stage moves data again: a verification before it is over.
            _task.Verifying = null;
            _progressChanged = true;
        }
        _feed.Publish(TaskUpdate.Of(_task));
    }

    public void Verifying(string what)
    {
        var clean = Clean(what);
        lock (_progressLock)
        {
            _task.Verifying = clean.Length <= DrTask.VerifyingMaxLength ? clean : clean[..(DrTask.VerifyingMaxLength - 1)] + "…";
            // Hashing has no rate: a rate left from the transfer would make the page count down to a made-up end.
            _task.Throughput = null;
            _progressChanged = true;
        }
        _feed.Publish(TaskUpdate.Of(_task));
    }

    /// <summary>
    /// Records the host command on the running stage and writes it at once, not with the next batch: a portal that dies a
    /// moment later must still leave the process behind for the next attempt to stop (TaskRunner.StopLeftoversAsync).
    /// </summary>
    public void HostCommandStarted(HostProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var stage = _task.Stages.FirstOrDefault(s => s.Status == StageStatus.Running);
        if (stage is null)
        {
            return;
        }
        stage.HostPid = process.Pid;
        stage.HostPidStartTime = process.StartTime;
        try
        {
            using var db = _dbFactory.CreateDbContext();
            db.TaskStages.Where(s => s.Id == stage.Id).ExecuteUpdate(s => s
                .SetProperty(x => x.HostPid, process.Pid)
                .SetProperty(x => x.HostPidStartTime, process.StartTime));
        }
#pragma warning disable CA1031 // The command runs on regardless; the stage's next save writes the values too.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log($"Could not record host process {process.Pid} right away: {ex.Message}");
        }
    }

    public IReadOnlyList<string> LastLines(int count)
    {
        lock (Tail)
        {
            return Tail.TakeLast(count).ToList();
        }
    }

    /// <summary>Writes everything collected so far.</summary>
    public async Task FlushAsync()
    {
        var lines = new List<DrTaskLogLine>();
        while (_lines.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }
        ProgressSnapshot? progress = null;
        lock (_progressLock)
        {
            if (_progressChanged)
            {
                progress = new(_task.Percent, _task.BytesDone, _task.BytesTotal, _task.Throughput, _task.Verifying);
                _progressChanged = false;
            }
        }
        if (lines.Count == 0 && progress is null)
        {
            return;
        }
        await using var db = await _dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (lines.Count > 0)
        {
            db.TaskLogLines.AddRange(lines);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        if (progress is not null)
        {
            await db.Tasks.Where(t => t.Id == _task.Id).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Percent, progress.Percent)
                .SetProperty(t => t.BytesDone, progress.BytesDone)
                .SetProperty(t => t.BytesTotal, progress.BytesTotal)
                .SetProperty(t => t.Throughput, progress.Throughput)
                .SetProperty(t => t.Verifying, progress.Verifying), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        await FlushAsync();
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await FlushAsync();
            }
#pragma warning disable CA1031 // A database hiccup must not kill the task; the next flush tries again.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>The task's live figures as they were when a flush took them.</summary>
    private sealed record ProgressSnapshot(double Percent, long BytesDone, long? BytesTotal, double? Throughput, string? Verifying);

    internal static string Clean(string line)
    {
        var chars = line.Where(c => !char.IsControl(c) || c == '\t').ToArray();
        var clean = new string(chars);
        return clean.Length <= DrTaskLogLine.MaxLength ? clean : clean[..(DrTaskLogLine.MaxLength - 1)] + "…";
    }
}
