using DrPortal.Core.Archives;
using DrPortal.Core.Schedules;

namespace DrPortal.Tests.Unit;

public class ScheduleRetentionTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly IReadOnlySet<long> NoneInUse = new HashSet<long>();

    private static Archive At(long id, DateTimeOffset createdAt, bool verified = true, bool isProtected = false) => new()
    {
        Id = id,
        CreatedAt = createdAt,
        InRepository = verified,
        Label = $"point-{id}",
        Files = [new ArchiveFile { Name = $"point-{id}.vma.zst", Role = "archive", Sha256 = verified ? new string('a', 64) : null }],
        IsProtected = isProtected,
    };

    /// <summary>One archive a day at 02:30 UTC, ids 1.. oldest first, ending 2026-11-25.</summary>
    private static List<Archive> Daily(int days) =>
        Enumerable.Range(0, days).Select(i => At(i + 1, new DateTimeOffset(2026, 11, 25, 2, 30, 0, TimeSpan.Zero).AddDays(i - days + 1))).ToList();

    private static long[] Kept(IReadOnlyList<RetentionDecision> decisions) =>
        decisions.Where(d => d.Keep).Select(d => d.Archive.Id).ToArray();

    [Fact]
    public void Decide_KeepLast_KeepsTheNewestN_NewestFirst()
    {
        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 3), Daily(10), NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([10L, 9, 8], Kept(decisions));
        Assert.Equal(10, decisions.Count);
        Assert.Equal(10L, decisions[0].Archive.Id);
    }

    [Fact]
    public void Decide_KeepDaily_KeepsTheNewestOfEachOfTheLastNDays()
    {
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var archives = new List<Archive>
        {
            At(1, day.AddHours(1)), At(2, day.AddHours(13)),
            At(3, day.AddDays(1).AddHours(1)), At(4, day.AddDays(1).AddHours(13)),
            At(5, day.AddDays(2).AddHours(1)), At(6, day.AddDays(2).AddHours(13)),
        };

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepDaily: 2), archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([6L, 4], Kept(decisions));
        Assert.Contains("daily 2026-11-21", decisions.Single(d => d.Archive.Id == 4).Reasons);
    }

    [Fact]
    public void Decide_DaysAreThoseOfTheZone()
    {
        // 23:30 UTC on the 20th is already the 21st in Berlin, the same day as 10:00 UTC on the 21st.
        var archives = new List<Archive>
        {
            At(1, new DateTimeOffset(2026, 11, 20, 23, 30, 0, TimeSpan.Zero)),
            At(2, new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero)),
        };

        Assert.Equal([2L, 1], Kept(RetentionPlan.Decide(new RetentionPolicy(KeepDaily: 2), archives, NoneInUse, TimeZoneInfo.Utc)));
        Assert.Equal([2L], Kept(RetentionPlan.Decide(new RetentionPolicy(KeepDaily: 2), archives, NoneInUse, Berlin)));
    }

    [Fact]
    public void Decide_GrandfatherFatherSon_UnionOfTheRules()
    {
        // 70 daily archives up to Wednesday 2026-11-25.
        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 1, KeepDaily: 3, KeepWeekly: 2, KeepMonthly: 3), Daily(70), NoneInUse, TimeZoneInfo.Utc);
        var kept = decisions.Where(d => d.Keep).Select(d => d.Archive.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Last + daily: 25th, 24th, 23rd; weekly: 25th (W48) and Sunday 22nd (W47); monthly: 25th, Oct 31st, Sep 30th.
        Assert.Equal(["2026-11-25", "2026-11-24", "2026-11-23", "2026-11-22", "2026-10-31", "2026-09-30"], kept);
    }

    [Fact]
    public void Decide_NewestVerifiedArchive_IsNamedAsSuch_BehindAnIncompleteOne()
    {
        var archives = Daily(3);
        (archives[2].InRepository, archives[2].Files[0].Sha256) = (false, null);

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepDaily: 1), archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([2L], Kept(decisions));
        Assert.Equal(["daily 2026-11-24", "newest verified archive"], decisions.Single(d => d.Archive.Id == 2).Reasons);
    }

    [Fact]
    public void Decide_UnverifiedArchive_NeverCountsTowardsKeepLast()
    {
        // The case: keep-last 2 over a good archive, a cancelled 0-byte one and another good one.
        var archives = Daily(3);
        archives[2].InRepository = false;
        archives[2].Files[0].Sha256 = null;
        archives[2].SizeBytes = 0;

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 2), archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([2L, 1], Kept(decisions));
        Assert.Equal(["last", "newest verified archive"], decisions.Single(d => d.Archive.Id == 2).Reasons);
        Assert.Equal(["last"], decisions.Single(d => d.Archive.Id == 1).Reasons);
    }

    [Theory]
    [InlineData(1, 0, 0)]
    [InlineData(0, 3, 0)]
    [InlineData(0, 0, 2)]
    public void Decide_UnverifiedArchives_NeverCountTowardsAnyRule(int daily, int weekly, int monthly)
    {
        // Each period's newest archive is unverified; the verified one before it in the period is the one kept.
        var day = new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);
        var archives = new List<Archive> { At(1, day), At(2, day.AddHours(2), verified: false) };

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepDaily: daily, KeepWeekly: weekly, KeepMonthly: monthly), archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([1L], Kept(decisions));
        Assert.True(decisions.Single(d => d.Archive.Id == 2).IsIncomplete);
    }

    [Fact]
    public void Decide_IncompleteArchive_IsDeletedUnlessATaskUsesIt()
    {
        var archives = Daily(4);
        foreach (var a in archives.Take(2))
        {
            (a.InRepository, a.Files[0].Sha256) = (false, null);
        }

        // Archive 2 is the one a running backup is still pulling.
        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 5), archives, new HashSet<long> { 2 }, TimeZoneInfo.Utc);

        Assert.Equal([4L, 3, 2], Kept(decisions));
        var incomplete = decisions.Single(d => d.Archive.Id == 1);
        Assert.True(incomplete.IsIncomplete);
        Assert.Empty(incomplete.Reasons);
        Assert.False(decisions.Single(d => d.Archive.Id == 3).IsIncomplete);
    }

    [Fact]
    public void Decide_EmptyPolicy_KeepsEveryRestorePoint_ButNotIncompleteArchives()
    {
        var archives = Daily(3);
        (archives[1].InRepository, archives[1].Files[0].Sha256) = (true, null);

        var decisions = RetentionPlan.Decide(RetentionPolicy.None, archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([3L, 1], Kept(decisions));
        Assert.Equal(["no retention policy"], decisions.Single(d => d.Archive.Id == 1).Reasons);
    }

    [Fact]
    public void Decide_ProtectedArchive_IsKeptAsProtected_EvenWhenIncomplete()
    {
        var archives = Daily(4);
        archives[0].IsProtected = true;
        (archives[1].InRepository, archives[1].Files[0].Sha256, archives[1].IsProtected) = (false, null, true);

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 1), archives, NoneInUse, TimeZoneInfo.Utc);

        Assert.Equal([4L, 2, 1], Kept(decisions));
        Assert.Equal(["protected"], decisions.Single(d => d.Archive.Id == 1).Reasons);
        Assert.Equal(["protected"], decisions.Single(d => d.Archive.Id == 2).Reasons);
        Assert.False(decisions.Single(d => d.Archive.Id == 3).Keep);
    }

    [Fact]
    public void Decide_InUseAndProtectedArchives_AreKept()
    {
        var archives = Daily(5);
        archives[0].IsProtected = true;

        var decisions = RetentionPlan.Decide(new RetentionPolicy(KeepLast: 1), archives, new HashSet<long> { 2 }, TimeZoneInfo.Utc);

        Assert.Equal([5L, 2, 1], Kept(decisions));
        Assert.Equal(["protected"], decisions.Single(d => d.Archive.Id == 1).Reasons);
        Assert.Equal(["in use by a task"], decisions.Single(d => d.Archive.Id == 2).Reasons);
        Assert.Empty(decisions.Single(d => d.Archive.Id == 3).Reasons);
    }

    [Fact]
    public void Decide_EmptyPolicy_KeepsEverything()
    {
        var decisions = RetentionPlan.Decide(RetentionPolicy.None, Daily(4), NoneInUse, TimeZoneInfo.Utc);

        Assert.All(decisions, d => Assert.True(d.Keep));
    }
}
