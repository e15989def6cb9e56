using System.Globalization;
using DrPortal.Core.History;
using DrPortal.Web.Components.UI;

namespace DrPortal.Web.Components.Pages.Dashboard;

/// <summary>The dashboard's byte figures as chart series, in the binary unit that suits their largest value.</summary>
public static class DashboardSeries
{
    /// <summary>Every one of the last <paramref name="days"/> UTC days up to <paramref name="today"/>, a day without transfers as 0.</summary>
    public static FigureSeries BytesMovedPerDay(IReadOnlyList<DailyBytes> moved, DateOnly today, int days = 30)
    {
        ArgumentNullException.ThrowIfNull(moved);
        var byDay = moved.ToDictionary(m => m.Day, m => m.Bytes);
        var span = Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).ToList();
        var values = span.Select(d => byDay.GetValueOrDefault(d)).ToList();
        var (unit, divisor) = UnitFor(values.DefaultIfEmpty().Max());
        return new FigureSeries("Bytes moved per day", unit, [.. span.Select(Label)],
            values.Sum() == 0 ? [] : [.. values.Select(v => Math.Round(v / divisor, 2))], "dashboard-moved");
    }

    public static FigureSeries RepositorySize(RepositoryGrowth growth)
    {
        ArgumentNullException.ThrowIfNull(growth);
        var (unit, divisor) = UnitFor(growth.Size.Select(s => s.Bytes).DefaultIfEmpty().Max());
        return new FigureSeries("Repository size", unit, [.. growth.Size.Select(s => Label(s.Day))],
            [.. growth.Size.Select(s => Math.Round(s.Bytes / divisor, 2))], "dashboard-repository");
    }

    private static string Label(DateOnly day) => day.ToString("MM-dd", CultureInfo.InvariantCulture);

    private static (string Unit, double Divisor) UnitFor(long largest) => largest switch
    {
        >= 1L << 40 => ("TiB", 1L << 40),
        >= 1L << 30 => ("GiB", 1L << 30),
        _ => ("MiB", 1L << 20),
    };
}
