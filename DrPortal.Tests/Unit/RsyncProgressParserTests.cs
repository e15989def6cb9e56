using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit;

public class RsyncProgressParserTests
{
    // Captured byte for byte from rsync 3.5.0: rsync --info=progress2 --bwlimit=1000 a.bin dst/ (3,000,000 bytes).
    private const string CapturedStream =
        "\r         32,768   1%    0.00kB/s    0:00:00  \r      1,081,344  36% 1006.88kB/s    0:00:01  " +
        "\r      2,129,920  70% 1003.43kB/s    0:00:00  \r      3,000,000 100%    1.01MB/s    0:00:02 (xfr#1, to-chk=0/1)" +
        "\r      3,000,000 100%    1.01MB/s    0:00:02 (xfr#1, to-chk=0/1)\r      3,000,000 100%  991.68kB/s    0:00:02 (xfr#1, to-chk=0/1)" +
        "\r      3,000,000 100%  991.68kB/s    0:00:02 (xfr#1, to-chk=0/1)\n";

    [Fact]
    public void Parse_InProgressLine_GivesBytesPercentRateAndTimeLeft()
    {
        var progress = RsyncProgressParser.Parse("    1,234,567  45%   12.34MB/s    0:00:05");

        Assert.NotNull(progress);
        Assert.Equal(1234567, progress.BytesDone);
        Assert.Equal(45, progress.Percent);
        Assert.Equal(12.34 * 1024 * 1024, progress.BytesPerSecond, 3);
        Assert.Equal(TimeSpan.FromSeconds(5), progress.Remaining);
        Assert.Null(progress.Elapsed);
        Assert.False(progress.FileCompleted);
    }

    [Fact]
    public void Parse_FileEndLine_GivesElapsedAndCounts()
    {
        var progress = RsyncProgressParser.Parse("    1,234,567  45%   12.34MB/s    0:00:05 (xfr#1, to-chk=0/1)");

        Assert.NotNull(progress);
        Assert.True(progress.FileCompleted);
        Assert.Equal(TimeSpan.FromSeconds(5), progress.Elapsed);
        Assert.Null(progress.Remaining);
        Assert.Equal(1, progress.FilesTransferred);
        Assert.Equal(0, progress.FilesToCheck);
        Assert.Equal(1, progress.FilesTotal);
    }

    [Fact]
    public void Parse_FirstUpdate_IsZeroRate()
    {
        var progress = RsyncProgressParser.Parse("32,768   0%    0.00kB/s    0:00:00");

        Assert.Equal(new RsyncProgress(32768, 0, 0, TimeSpan.Zero, null, false, null, null, null), progress);
    }

    [Theory]
    [InlineData("1,024 1% 1.00B/s 0:00:01", 1d)]
    [InlineData("1,024 1% 512.00kB/s 0:00:01", 512d * 1024)]
    [InlineData("1,024 1% 1.50GB/s 0:00:01", 1.5 * 1024 * 1024 * 1024)]
    public void Parse_RateUnits_ArePowersOf1024(string line, double bytesPerSecond) =>
        Assert.Equal(bytesPerSecond, RsyncProgressParser.Parse(line)!.BytesPerSecond, 3);

    [Fact]
    public void Parse_UnknownTimeLeft_IsNull()
    {
        var progress = RsyncProgressParser.Parse("  5,000,000,000  12%    0.00kB/s    ??:??:??");

        Assert.NotNull(progress);
        Assert.Equal(5_000_000_000, progress.BytesDone);
        Assert.Null(progress.Remaining);
        Assert.Null(progress.Elapsed);
    }

    [Fact]
    public void Parse_LongTransfer_ReadsHoursBeyondTwoDigits() =>
        Assert.Equal(TimeSpan.FromHours(123) + TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(5),
            RsyncProgressParser.Parse("1,000,000,000,000  50%  10.00MB/s  123:04:05")!.Remaining);

    [Theory]
    [InlineData("  1,048,576 100%  512.00kB/s    0:00:02 (xfr#3, ir-chk=1010/1020)", 3, 1010, 1020)]
    [InlineData("     1048576 100%  512.00kB/s    0:00:02 (xfer#2, to-check=0/2)", 2, 0, 2)]
    public void Parse_IncrementalAndOldFormats_AreRead(string line, int transferred, int toCheck, int total)
    {
        var progress = RsyncProgressParser.Parse(line);

        Assert.NotNull(progress);
        Assert.Equal(1048576, progress.BytesDone);
        Assert.Equal((transferred, toCheck, total), (progress.FilesTransferred, progress.FilesToCheck, progress.FilesTotal));
    }

    [Fact]
    public void Parse_DotDigitGrouping_IsIgnoredInByteCount() =>
        Assert.Equal(3_000_000, RsyncProgressParser.Parse("3.000.000 100% 1.01MB/s 0:00:02")!.BytesDone);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("vzdump-qemu-100-2024_01_31-14_05_09.vma.zst")]
    [InlineData("sending incremental file list")]
    [InlineData("rsync: connection unexpectedly closed (6227535 bytes received so far) [receiver]")]
    [InlineData("rsync error: error in rsync protocol data stream (code 12) at io.c(285) [receiver=3.5.0]")]
    [InlineData("1.23G 45% 12.34MB/s 0:00:05")]
    [InlineData("1,234 45%")]
    [InlineData("-1,234 45% 1.00kB/s 0:00:05")]
    [InlineData("99999999999999999999999 45% 1.00kB/s 0:00:05")]
    public void Parse_NotAProgressLine_IsNull(string line) => Assert.Null(RsyncProgressParser.Parse(line));

    [Fact]
    public void Parse_PercentAbove100_IsClamped() =>
        Assert.Equal(100, RsyncProgressParser.Parse("1,000 101% 1.00kB/s 0:00:00")!.Percent);

    [Fact]
    public void Feed_CapturedStream_YieldsEveryUpdate()
    {
        var parser = new RsyncProgressParser();

        var updates = parser.Feed(CapturedStream);

        Assert.Equal(7, updates.Count);
        Assert.Equal([32768L, 1081344, 2129920, 3000000, 3000000, 3000000, 3000000], updates.Select(u => u.BytesDone));
        Assert.Equal([1, 36, 70, 100, 100, 100, 100], updates.Select(u => u.Percent));
        Assert.Equal(1006.88 * 1024, updates[1].BytesPerSecond, 3);
        Assert.Equal(TimeSpan.FromSeconds(1), updates[1].Remaining);
        Assert.True(updates[^1].FileCompleted);
        Assert.Equal(TimeSpan.FromSeconds(2), updates[^1].Elapsed);
        Assert.Empty(parser.Complete());
    }

    [Fact]
    public void Feed_UpdateSplitAcrossChunks_IsParsedOnceWhole()
    {
        var parser = new RsyncProgressParser();

        var first = parser.Feed("\r      1,081,344  36% 100");
        var second = parser.Feed("6.88kB/s    0:00:01  \r   2,129,");
        var third = parser.Feed("920  70% 1003.43kB/s    0:00:00");
        var last = parser.Complete();

        Assert.Empty(first);
        Assert.Equal(1081344, Assert.Single(second).BytesDone);
        Assert.Empty(third);
        Assert.Equal(2129920, Assert.Single(last).BytesDone);
    }

    [Fact]
    public void Feed_ChunkedOneCharacterAtATime_GivesTheSameUpdates()
    {
        var parser = new RsyncProgressParser();

        var updates = CapturedStream.SelectMany(c => parser.Feed(c.ToString())).Concat(parser.Complete()).ToList();

        Assert.Equal(new RsyncProgressParser().Feed(CapturedStream), updates);
    }

    [Fact]
    public void Feed_MessagesBetweenUpdates_AreSkipped()
    {
        var parser = new RsyncProgressParser();

        var updates = parser.Feed("\r  32,768   0%    0.00kB/s    0:00:00\nrsync: [sender] write error: Broken pipe (32)\r\n  65,536   1%   10.00kB/s    0:00:10\r\n");

        Assert.Equal([32768L, 65536], updates.Select(u => u.BytesDone));
    }

    [Fact]
    public void Feed_EndlessGarbageWithoutSeparators_DoesNotGrowWithoutBound()
    {
        var parser = new RsyncProgressParser();

        Assert.Empty(parser.Feed(new string('x', 1_000_000)));
        var after = parser.Feed("\r1,000 10% 1.00kB/s 0:00:09\r");

        Assert.Equal(1000, Assert.Single(after).BytesDone);
    }

    // A 128 MiB file read the way rsync prints it: percent truncated to a whole number.
    private static string Line(long bytes, long of) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"\r {bytes:N0} {bytes * 100 / of,3}%   10.00MB/s    0:00:05");

    private const long File128MiB = 128L * 1024 * 1024;

    [Fact]
    public void Feed_ExpectedTotalGiven_TotalIsThatOnEveryUpdate_AndPercentFollowsIt()
    {
        var parser = new RsyncProgressParser(expectedTotal: File128MiB);
        var stream = string.Concat(new[] { 3L, 9, 40, 90, 127, 128 }.Select(m => Line(m * 1024 * 1024, File128MiB))) + "\r";

        var updates = parser.Feed(stream);

        Assert.All(updates, u => Assert.Equal(File128MiB, u.BytesTotal));
        Assert.Equal([2, 7, 31, 70, 99, 100], updates.Select(u => u.Percent));
    }

    [Fact]
    public void Feed_NoExpectedTotal_TotalNeverShrinks_AndEndsAtTheTrueSize()
    {
        var parser = new RsyncProgressParser();
        var stream = string.Concat(new[] { 9L, 20, 40, 64, 90, 100, 127, 128 }.Select(m => Line(m * 1024 * 1024, File128MiB))) + "\r";

        var totals = parser.Feed(stream).Select(u => u.BytesTotal!.Value).ToList();

        // bytes × 100 / percent alone gives 137 MiB at 9 MiB (7 %), then 128 MiB: the total the page showed jumped.
        Assert.Equal(totals.OrderBy(t => t), totals);
        Assert.All(totals, t => Assert.InRange(t, 1, File128MiB));
        Assert.Equal(File128MiB, totals[^1]);
    }

    [Fact]
    public void Feed_NoExpectedTotal_TotalGrowsWhenRsyncFindsMore_NeverBelowBytesDone()
    {
        var parser = new RsyncProgressParser();

        // Incremental recursion: rsync's whole grows as files are found, so its percent drops back.
        var updates = parser.Feed("\r 1,000,000 100% 1.00MB/s 0:00:01\r 1,500,000  50% 1.00MB/s 0:00:01\r 2,999,000  99% 1.00MB/s 0:00:00\r");

        Assert.Equal([1_000_000L, 2_941_176, 2_999_000], updates.Select(u => u.BytesTotal!.Value));
        Assert.All(updates, u => Assert.True(u.BytesTotal >= u.BytesDone));
    }

    [Fact]
    public void Feed_ExpectedTotalTooSmall_TotalIsNeverBelowBytesDone()
    {
        var parser = new RsyncProgressParser(expectedTotal: 1_000);

        var update = Assert.Single(parser.Feed("\r 1,500 100% 1.00kB/s 0:00:01\r"));

        Assert.Equal(1_500, update.BytesTotal);
        Assert.Equal(100, update.Percent);
    }

    [Fact]
    public void Parse_OneLine_HasNoTotal() =>
        Assert.Null(RsyncProgressParser.Parse("1,234,567  45%   12.34MB/s    0:00:05")!.BytesTotal);
}
