using System.Globalization;
using DrPortal.Core.History;
using DrPortal.Web.Components.UI;

namespace DrPortal.Web.Components.Pages.Pairs;

/// <summary>The four figures of the prototype's evaluation as chart series: over a pair's tasks, or across pairs by VM disk size.</summary>
public static class HistorySeries
{
    private const double MiB = 1024 * 1024;

    public static IReadOnlyList<FigureSeries> OverTasks(IReadOnlyList<TaskFigures> tasks, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        string Label(TaskFigures t) => TimeZoneInfo.ConvertTime(t.FinishedAt, zone).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
        return Build(tasks, Label, t => t.BackupSeconds, t => t.ArchiveBytes, t => t.TransferBytesPerSecond, t => t.RestoreSeconds, "history");
    }

    public static IReadOnlyList<FigureSeries> AgainstDiskSize(IReadOnlyList<PairFigures> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sized = pairs.Where(p => p.DiskBytes is not null && p.Tasks > 0).OrderBy(p => p.DiskBytes).ToList();
        return Build(sized, p => Core.Common.ByteSize.Format(p.DiskBytes!.Value), p => p.BackupSeconds, p => p.ArchiveBytes,
            p => p.TransferBytesPerSecond, p => p.RestoreSeconds, "fleet");
    }

    private static List<FigureSeries> Build<T>(IReadOnlyList<T> items, Func<T, string> label, Func<T, double?> backup, Func<T, double?> size,
        Func<T, double?> rate, Func<T, double?> restore, string test) =>
    [
        Series("Backup duration", "s", items, label, backup, 1, $"{test}-backup"),
        Series("Restore point size", "MiB", items, label, size, MiB, $"{test}-size"),
        Series("Transfer rate", "MiB/s", items, label, rate, MiB, $"{test}-rate"),
        Series("Restore duration", "s", items, label, restore, 1, $"{test}-restore"),
    ];

    /// <summary>Only the items that produced the figure: a line through zeros would lie about the ones that did not.</summary>
    private static FigureSeries Series<T>(string title, string unit, IReadOnlyList<T> items, Func<T, string> label, Func<T, double?> value,
        double divisor, string test)
    {
        var known = items.Select(i => (Label: label(i), Value: value(i))).Where(x => x.Value is not null).ToList();
        return new FigureSeries(title, unit, [.. known.Select(k => k.Label)], [.. known.Select(k => Math.Round(k.Value!.Value / divisor, 2))], test);
    }
}
