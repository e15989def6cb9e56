using DrPortal.Core.Tasks;

namespace DrPortal.Core.History;

/// <summary>
/// The figures of one finished task, the ones the prototype's evaluation plotted: how long the backup and the restore
/// took, how big the restore point is, and how fast it moved. A figure the task did not produce (a restore has no
/// backup, a skipped transfer no rate) is null.
/// </summary>
/// <param name="TransferBytesPerSecond">The restore point's bytes over the seconds of the transfer stages (pull, push) that moved it.</param>
public sealed record TaskFigures(
    long TaskId, DrTaskKind Kind, DrTaskStatus Status, DateTimeOffset FinishedAt,
    double? BackupSeconds, long? ArchiveBytes, double? TransferBytesPerSecond, double? RestoreSeconds)
{
    private static readonly StageName[] TransferStages = [StageName.Pull, StageName.Push];

    /// <summary>The figures of a finished task from its stage rows and the size of its restore point.</summary>
    public static TaskFigures Of(DrTask task, long? archiveBytes)
    {
        ArgumentNullException.ThrowIfNull(task);
        var transfers = task.Stages.Where(s => TransferStages.Contains(s.Name)).Select(SecondsOf).OfType<double>().ToList();
        double? rate = archiveBytes is { } bytes && transfers.Count > 0 && transfers.Sum() > 0
            ? bytes * transfers.Count / transfers.Sum()
            : null;
        return new(task.Id, task.Kind, task.Status, task.FinishedAt ?? task.CreatedAt,
            SecondsOf(task.Stages.FirstOrDefault(s => s.Name == StageName.Backup)),
            archiveBytes, rate,
            SecondsOf(task.Stages.FirstOrDefault(s => s.Name == StageName.Restore)));
    }

    /// <summary>Seconds of a stage's last attempt, when it did its work (a skipped or failed stage measures nothing).</summary>
    private static double? SecondsOf(DrTaskStage? stage) =>
        stage is { Status: StageStatus.Succeeded or StageStatus.SucceededWithWarnings, Duration: { } d } ? d.TotalSeconds : null;
}
