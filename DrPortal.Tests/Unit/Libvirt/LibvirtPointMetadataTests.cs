using DrPortal.Core.Archives;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtPointMetadataTests
{
    private static readonly LibvirtPointMetadata Point = new("20261202T080000Z", "drportal-20261202T080000Z", null, "f06b5c6e-4996-4f01-8e9b-0c7f38d40a40", 0,
        "crash", [new LibvirtPointDisk("vda", 67108864, "web01-20261202T080000Z-vda.qcow2")], "web01-20261202T080000Z.xml", null);

    [Fact]
    public void ToJson_RoundTrips()
    {
        var back = LibvirtPointMetadata.TryParse(Point.ToJson());

        Assert.NotNull(back);
        Assert.Equal(Point.Checkpoint, back.Checkpoint);
        Assert.Equal(Point.Disks, back.Disks);
        Assert.Null(back.ParentCheckpoint);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"compress\":\"zstd\"}")]
    public void TryParse_NotThisDriversMetadata_IsNull(string? json) => Assert.Null(LibvirtPointMetadata.TryParse(json));

    [Fact]
    public void ToJson_TooManyDisksForTheColumn_Throws()
    {
        var huge = Point with { Disks = Enumerable.Range(0, 200).Select(i => new LibvirtPointDisk("vd" + i, 1, new string('x', 60))).ToList() };

        Assert.True(huge.Disks.Count * 60 > Archive.MetadataMaxLength);
        Assert.Throws<InvalidOperationException>(() => huge.ToJson());
    }
}
