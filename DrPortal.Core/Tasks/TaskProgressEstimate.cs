namespace DrPortal.Core.Tasks;

/// <summary>
/// How far a task is as a whole and in its current stage, and how long each has left where that can be told honestly.
/// <para>
/// The whole is weighted over the task's planned stages by the work each does (<see cref="WeightOf"/>): Backup reads
/// and compresses the whole disk and Restore decompresses and writes it (30 and 25), Pull and Push each move the
/// compressed archive once (20 each), Start waits for a boot (4) and Cleanup removes a file (1). A Replicate weighs
/// 100 in all (the pre-flight check takes seconds and weighs nothing); a Backup or Restore plans fewer stages and counts only those. Done and skipped stages count whole,
/// the running stage by its own percent.
/// </para>
/// <para>
/// Times left: the stage's from the bytes still to move at the measured rate, else from its percent and the time its
/// last attempt has run. The task's adds the stages still to come at the pace this task has kept so far (seconds per
/// unit of weight over the stages that ran, the running one projected to its end). None is given while SHA-256 is
/// computed (hashing reports no progress), while the task waits, or before there is enough to judge from.
/// </para>
/// </summary>
/// <param name="Percent">The whole task, 0–100.</param>
/// <param name="Eta">Time left for the whole task; null when it cannot be told.</param>
/// <param name="Stage">The stage running now; null when none runs.</param>
/// <param name="StageNumber">The running stage's place in the plan, from 1; 0 when none runs.</param>
/// <param name="StageCount">How many stages the task plans.</param>
/// <param name="StagePercent">The running stage's own progress, 0–100.</param>
/// <param name="StageEta">Time left for the running stage; null when it cannot be told.</param>
/// <param name="Verifying">What the running stage is hashing, while it does; null otherwise.</param>
public sealed record TaskProgressEstimate(
    double Percent, TimeSpan? Eta, StageName? Stage, int StageNumber, int StageCount, double StagePercent, TimeSpan? StageEta, string? Verifying)
{
    /// <summary>A percent-based guess needs this much of the stage behind it, so the first seconds do not promise hours or seconds.</summary>
    public const double MinimumFraction = 0.01;

    /// <summary>A percent-based guess needs the stage to have run this long.</summary>
    public static readonly TimeSpan MinimumSample = TimeSpan.FromSeconds(5);

    /// <summary>The share of a task's work a stage stands for (see the type's remarks for why these figures).</summary>
    public static double WeightOf(StageName stage) => stage switch
    {
        StageName.Preflight => 0,
        StageName.Backup => 30,
        StageName.Pull => 20,
        StageName.Push => 20,
        StageName.Restore => 25,
        StageName.Start => 4,
        StageName.Cleanup => 1,
        _ => 1,
    };

    public static TaskProgressEstimate Of(DrTask task, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(task);
        var plan = task.Stages.Count > 0
            ? task.Stages.OrderBy(s => s.Position).ToList()
            : DrTask.PlanFor(task.Kind).Select((name, i) => new DrTaskStage { Name = name, Position = i, Status = StageStatus.Pending }).ToList();
        var total = plan.Sum(s => WeightOf(s.Name));
        if (task.Status is DrTaskStatus.Succeeded or DrTaskStatus.SucceededWithWarnings)
        {
            return new(100, null, null, 0, plan.Count, 100, null, null);
        }

        // The stages before the current one are done even when the rows at hand predate their end (a list fed live).
        var currentIndex = task.CurrentStage is { } name ? plan.FindIndex(s => s.Name == name) : -1;
        var current = currentIndex >= 0 && !plan[currentIndex].Status.IsDone() ? plan[currentIndex] : null;
        bool IsDone(int i) => plan[i].Status.IsDone() || i < currentIndex;
        var doneWeight = Enumerable.Range(0, plan.Count).Where(IsDone).Sum(i => WeightOf(plan[i].Name));
        var fraction = current is null ? 0 : Math.Clamp(task.Percent, 0, 100) / 100;
        var percent = total > 0 ? Math.Clamp(100 * (doneWeight + (current is null ? 0 : WeightOf(current.Name) * fraction)) / total, 0, 100) : 0;
        if (current is null)
        {
            return new(percent, null, null, 0, plan.Count, 0, null, null);
        }

        var running = task.Status == DrTaskStatus.Running && !task.IsFinished;
        var verifying = running ? task.Verifying : null;
        var stageEta = running && verifying is null ? StageTimeLeft(task, current, fraction, now) : null;
        TimeSpan? eta = null;
        if (stageEta is { } left && current.LastStartedAt is { } started)
        {
            // Pace: seconds per unit of weight over the stages that really ran (skipped ones took no time) and this one.
            var ran = Enumerable.Range(0, plan.Count)
                .Where(i => IsDone(i) && plan[i].Status != StageStatus.Skipped && plan[i].Duration is not null)
                .Select(i => plan[i]).ToList();
            var seconds = ran.Sum(s => s.Duration!.Value.TotalSeconds) + Math.Max(0, (now - started).TotalSeconds) + left.TotalSeconds;
            var weight = ran.Sum(s => WeightOf(s.Name)) + WeightOf(current.Name);
            var pending = Enumerable.Range(currentIndex + 1, plan.Count - currentIndex - 1).Where(i => !IsDone(i)).Sum(i => WeightOf(plan[i].Name));
            eta = left + TimeSpan.FromSeconds(Math.Ceiling(seconds / weight * pending));
        }
        return new(percent, eta, current.Name, currentIndex + 1, plan.Count, fraction * 100, stageEta, verifying);
    }

    private static TimeSpan? StageTimeLeft(DrTask task, DrTaskStage stage, double fraction, DateTimeOffset now)
    {
        if (task.BytesTotal is { } bytesTotal && bytesTotal > 0 && task.Throughput is { } rate && rate > 0)
        {
            // All moved is not done (the stage still checks what it moved): no "0 s" for what is left.
            var bytesLeft = bytesTotal - task.BytesDone;
            return bytesLeft > 0 ? TimeSpan.FromSeconds(Math.Ceiling(bytesLeft / rate)) : null;
        }
        if (stage.LastStartedAt is not { } started || fraction < MinimumFraction || fraction >= 1)
        {
            return null;
        }
        var elapsed = now - started;
        return elapsed < MinimumSample ? null : TimeSpan.FromSeconds(Math.Ceiling(elapsed.TotalSeconds * (1 - fraction) / fraction));
    }
}
