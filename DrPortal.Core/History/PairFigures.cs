namespace DrPortal.Core.History;

/// <summary>
/// One pair's average figures over a window, beside the size of its VM's disks: a point of the prototype's
/// "against VM size" evaluation. Averages are over the tasks that produced each figure; null when none did.
/// </summary>
/// <param name="DiskBytes">The source VM's disks as its host lists them now; null when the host did not answer.</param>
public sealed record PairFigures(
    int PairId, string Pair, long? DiskBytes, int Tasks,
    double? BackupSeconds, double? ArchiveBytes, double? TransferBytesPerSecond, double? RestoreSeconds)
{
    public static PairFigures Average(int pairId, string pair, long? diskBytes, IReadOnlyCollection<TaskFigures> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new(pairId, pair, diskBytes, tasks.Count,
            Mean(tasks.Select(t => t.BackupSeconds)),
            Mean(tasks.Select(t => (double?)t.ArchiveBytes)),
            Mean(tasks.Select(t => t.TransferBytesPerSecond)),
            Mean(tasks.Select(t => t.RestoreSeconds)));
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : known.Average();
    }
}
