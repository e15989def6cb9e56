using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Tasks;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit;

public class PreflightSpaceTests
{
    [Fact]
    public void AvailableBytes_ReadsTheFourthFieldOfDfsDataLine()
    {
        const string output = """
            Filesystem        1-blocks       Used   Available Capacity Mounted on
            /dev/loop3        10485760    1048576     9437184      11% /var/lib/vz/dump
            """;

        Assert.Equal(9437184, DfOutput.AvailableBytes(output));
        Assert.Null(DfOutput.AvailableBytes("df: /nope: No such file or directory\n"));
    }

    [Fact]
    public void SpaceVerdict_NotEnoughRoomWithTheMargin_FailsWithBothFigures()
    {
        var check = PairPreflight.SpaceVerdict("Free space on pve-dr1", "/var/lib/vz/dump on pve-dr1", free: 100L << 20, needed: 95L << 20, "the archive");

        Assert.Equal(PreflightStatus.Failed, check.Status);
        Assert.Equal("The archive needs about 95 MiB (with 10 % room: 105 MiB), but only 100 MiB is free in /var/lib/vz/dump on pve-dr1. Make room there first; nothing was started.", check.Message);
    }

    [Fact]
    public void SpaceVerdict_EnoughRoom_OrNoSizeToCompare_Passes()
    {
        Assert.Equal(PreflightStatus.Passed, PairPreflight.SpaceVerdict("n", "w", free: 200L << 20, needed: 95L << 20, "the archive").Status);
        var unknown = PairPreflight.SpaceVerdict("n", "the repository", free: 1L << 30, needed: null, "the archive");
        Assert.Equal(PreflightStatus.Passed, unknown.Status);
        Assert.Contains("no earlier restore point", unknown.Message, StringComparison.Ordinal);
    }
}
