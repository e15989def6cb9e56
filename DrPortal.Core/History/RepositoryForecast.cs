namespace DrPortal.Core.History;

/// <summary>
/// When the repository fills if it keeps growing as it did: a least-squares line through its size on recent days,
/// extended until the growth uses up the free space. Says why there is no date when there is none.
/// </summary>
/// <param name="BytesPerDay">The fitted growth; null with fewer than <see cref="MinimumDays"/> days of data.</param>
/// <param name="FullAt">When the free space is used up; null when it is not (enough data, growth).</param>
/// <param name="Verdict">The forecast in words: "full in about 12 days", "not enough data", "not growing".</param>
public sealed record RepositoryForecast(double? BytesPerDay, DateTimeOffset? FullAt, string Verdict)
{
    public const int MinimumDays = 3;

    public static RepositoryForecast Fit(IReadOnlyList<DailyBytes> sizes, long freeBytes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Select(s => s.Day).Distinct().Count() < MinimumDays)
        {
            return new(null, null, $"Not enough data: a forecast needs the repository's size on {MinimumDays} days or more.");
        }
        var first = sizes.Min(s => s.Day).DayNumber;
        var xs = sizes.Select(s => (double)(s.Day.DayNumber - first)).ToArray();
        var ys = sizes.Select(s => (double)s.Bytes).ToArray();
        var (meanX, meanY) = (xs.Average(), ys.Average());
        var sxx = xs.Sum(x => (x - meanX) * (x - meanX));
        var slope = xs.Zip(ys, (x, y) => (x - meanX) * (y - meanY)).Sum() / sxx;
        if (slope <= 0)
        {
            return new(slope, null, "Not growing over the last days: no fill date.");
        }
        var days = freeBytes / slope;
        if (days > 3650)
        {
            return new(slope, null, "Not full within ten years at this growth.");
        }
        var fullAt = now.AddDays(days);
        return new(slope, fullAt, $"Full in about {Math.Max(0, Math.Round(days)):0} days ({fullAt:yyyy-MM-dd}) at {Common.ByteSize.Format((long)slope)} a day.");
    }
}
