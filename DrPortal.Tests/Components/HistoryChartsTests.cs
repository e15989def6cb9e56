using Bunit;
using DrPortal.Core.Accounts;
using DrPortal.Core.History;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Pages.Dashboard;
using DrPortal.Web.Components.Pages.Pairs;
using MudBlazor;

namespace DrPortal.Tests.Components;

/// <summary>The charts bind the figures the history service returns: one series per figure, in its unit, tasks without the figure left out.</summary>
public class HistoryChartsTests : PortalTestContext
{
    private const long MiB = 1024 * 1024;

    public HistoryChartsTests() => SignInAs(Roles.Viewer);

    private static double[] SeriesOf(IRenderedComponent<PairHistoryPage> page, string title) =>
        page.FindComponents<MudChart>().Single(c => c.Instance.ChartSeries[0].Name == title).Instance.ChartSeries[0].Data;

    [Fact]
    public void PairHistoryPage_TwoRuns_BindsEachFigureInItsUnit_LeavingOutRunsWithoutIt()
    {
        var t0 = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        History.Pairs[5] = new PairHistory(5, "pve-dc1/101 → pve-dr1/9101", t0.AddDays(-90),
        [
            new TaskFigures(11, DrTaskKind.Replicate, DrTaskStatus.Succeeded, t0, 120, 300 * MiB, 4.0 * MiB, 60),
            new TaskFigures(12, DrTaskKind.Backup, DrTaskStatus.Succeeded, t0.AddDays(1), 61.5, 100 * MiB, null, null),
        ]);
        RenderProviders();

        var page = Render<PairHistoryPage>(p => p.Add(x => x.PairId, 5));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindComponents<MudChart>().Count));
        Assert.Equal([120, 61.5], SeriesOf(page, "Backup duration"));
        Assert.Equal([300, 100], SeriesOf(page, "Restore point size"));
        Assert.Equal([4], SeriesOf(page, "Transfer rate"));
        Assert.Equal([60], SeriesOf(page, "Restore duration"));
        Assert.Equal(["11-02 08:00", "11-03 08:00"], page.FindComponents<MudChart>()[0].Instance.XAxisLabels);
        Assert.Contains("2 succeeded task(s)", page.Find("[data-test=history-pair]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void PairHistoryPage_UnknownPair_SaysSo()
    {
        RenderProviders();

        var page = Render<PairHistoryPage>(p => p.Add(x => x.PairId, 77));

        page.WaitForAssertion(() => Assert.Contains("VM pair 77 does not exist", page.Find("[data-test=history-missing]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindComponents<MudChart>());
    }

    [Fact]
    public void PairFiguresPage_PairsBySize_PlotsOnlyPairsWithASize_SmallestFirst()
    {
        History.AcrossPairs.AddRange(
        [
            new PairFigures(2, "big", 32L * 1024 * MiB, 3, 300, 8000.0 * MiB, 50.0 * MiB, 240),
            new PairFigures(1, "small", 8L * 1024 * MiB, 2, 90, 2000.0 * MiB, 40.0 * MiB, 60),
            new PairFigures(3, "host away", null, 4, 10, 10, 10, 10),
        ]);
        RenderProviders();

        var page = Render<PairFiguresPage>();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindComponents<MudChart>().Count));
        var backup = page.FindComponents<MudChart>().Single(c => c.Instance.ChartSeries[0].Name == "Backup duration").Instance;
        Assert.Equal([90, 300], backup.ChartSeries[0].Data);
        Assert.Equal(["8 GiB", "32 GiB"], backup.XAxisLabels);
        Assert.Equal(3, page.FindAll("[data-test=figures-table] tbody tr").Count);
        Assert.Contains("unknown", page.Find("[data-test=figures-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void DashboardFigures_BytesAndRates_FillEveryDay_AndSayTheForecast()
    {
        var today = DateOnly.FromDateTime(Clock.UtcNow.UtcDateTime);
        History.Dashboard = new DashboardFigures(new SuccessRate(7, 9, 1), new SuccessRate(30, 30, 0),
            [new DailyBytes(today.AddDays(-1), 2048 * MiB), new DailyBytes(today, 1024 * MiB)],
            new RepositoryGrowth([new DailyBytes(today.AddDays(-2), 1024 * MiB), new DailyBytes(today, 3072 * MiB)], 100L * 1024 * MiB,
                new RepositoryForecast(1024.0 * MiB, Clock.UtcNow.AddDays(100), "Full in about 100 days.")),
            new Dictionary<RpoStatus, int> { [RpoStatus.Met] = 4, [RpoStatus.Breached] = 1 });
        RenderProviders();

        var figures = Render<RunFigures>();

        figures.WaitForAssertion(() => Assert.Equal("90 %", figures.Find("[data-test=success-7]").TextContent));
        Assert.Equal("100 %", figures.Find("[data-test=success-30]").TextContent);
        var moved = figures.FindComponents<MudChart>().Single(c => c.Instance.ChartType == ChartType.Bar).Instance;
        Assert.Equal(30, moved.ChartSeries[0].Data.Length);
        Assert.Equal([0, 2, 1], moved.ChartSeries[0].Data[^3..]);
        var repository = figures.FindComponents<MudChart>().Single(c => c.Instance.ChartType == ChartType.Line).Instance;
        Assert.Equal([1, 3], repository.ChartSeries[0].Data);
        Assert.Contains("100 GiB free. Full in about 100 days.", figures.Find("[data-test=repository-forecast]").TextContent, StringComparison.Ordinal);
        Assert.Contains("4 within RPO", figures.Find("[data-test=protection-Met]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 RPO breached", figures.Find("[data-test=protection-Breached]").TextContent, StringComparison.Ordinal);
        Assert.Contains("0 at risk", figures.Find("[data-test=protection-AtRisk]").TextContent, StringComparison.Ordinal);
    }
}
