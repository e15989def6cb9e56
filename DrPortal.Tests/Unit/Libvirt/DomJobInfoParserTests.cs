using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class DomJobInfoParserTests
{
    [Fact]
    public void Parse_NoJob_IsNoneAndInactive()
    {
        var job = DomJobInfoParser.Parse(LibvirtSamples.JobNone);

        Assert.NotNull(job);
        Assert.Equal("None", job.JobType);
        Assert.False(job.IsActive);
        Assert.False(job.Completed);
    }

    [Fact]
    public void Parse_CompletedFullBackup_IsCompletedWithItsBytes()
    {
        var job = DomJobInfoParser.Parse(LibvirtSamples.JobCompletedFull)!;

        Assert.True(job.Completed);
        Assert.True(job.IsBackup);
        Assert.Equal(64L << 20, job.BytesProcessed);
        Assert.Equal(64L << 20, job.BytesTotal);
    }

    [Fact]
    public void Parse_CompletedIncremental_CountsKiB() =>
        Assert.Equal(640L << 10, DomJobInfoParser.Parse(LibvirtSamples.JobCompletedIncremental)!.BytesTotal);

    [Fact]
    public void Parse_RunningBackup_IsActiveWithProgress()
    {
        var job = DomJobInfoParser.Parse(LibvirtSamples.JobRunning)!;

        Assert.True(job.IsActive);
        Assert.Equal((long)(21.5 * 1024 * 1024), job.BytesProcessed);
    }

    [Fact]
    public void Parse_FailedJob_KeepsTheErrorMessage()
    {
        var job = DomJobInfoParser.Parse("Job type:         Failed      \nOperation:        Backup      \nError message:    No space left on device\n")!;

        Assert.False(job.Completed);
        Assert.Equal("No space left on device", job.ErrorMessage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("error: failed to get domain 'x'\n")]
    [InlineData("garbage\nmore garbage")]
    public void Parse_NotDomjobinfo_IsNull(string output) => Assert.Null(DomJobInfoParser.Parse(output));

    [Theory]
    [InlineData("0.000 B", 0L)]
    [InlineData("512 B", 512L)]
    [InlineData("1.500 KiB", 1536L)]
    [InlineData("64.000 MiB", 67108864L)]
    [InlineData("1.000 GiB", 1073741824L)]
    [InlineData("12 parsecs", null)]
    [InlineData("lots", null)]
    public void Size_PrettyCapacity_IsBytes(string text, long? bytes) => Assert.Equal(bytes, DomJobInfoParser.Size(text));
}
