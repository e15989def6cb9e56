using DrPortal.Core.History;

namespace DrPortal.Tests.Unit;

public class RepositoryForecastTests
{
    private const long GiB = 1L << 30;
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    [Fact]
    public void Fit_TwoDays_IsNotEnoughData()
    {
        var forecast = RepositoryForecast.Fit([new(Today.AddDays(-1), GiB), new(Today, 2 * GiB)], 10 * GiB, Now);

        Assert.Null(forecast.FullAt);
        Assert.StartsWith("Not enough data", forecast.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_OneGiBADay_FillsTheFreeSpaceInThatManyDays()
    {
        var forecast = RepositoryForecast.Fit([new(Today.AddDays(-4), GiB), new(Today.AddDays(-2), 3 * GiB), new(Today, 5 * GiB)], 10 * GiB, Now);

        Assert.Equal(GiB, forecast.BytesPerDay!.Value, 3);
        Assert.Equal(Now.AddDays(10), forecast.FullAt);
        Assert.Contains("about 10 days", forecast.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_Shrinking_HasNoFillDate()
    {
        var forecast = RepositoryForecast.Fit([new(Today.AddDays(-2), 5 * GiB), new(Today.AddDays(-1), 4 * GiB), new(Today, 3 * GiB)], GiB, Now);

        Assert.Null(forecast.FullAt);
        Assert.StartsWith("Not growing", forecast.Verdict, StringComparison.Ordinal);
    }
}
