using DrPortal.Infrastructure.Hypervisors.Libvirt;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtFileNamesTests
{
    private const string Stamp = "20261202T080102Z";

    [Fact]
    public void Stamp_UtcSecond_IsSortable() =>
        Assert.Equal(Stamp, LibvirtFileNames.Stamp(new DateTimeOffset(2026, 12, 2, 9, 1, 2, TimeSpan.FromHours(1))));

    [Fact]
    public void Names_OfAPoint_AreUniquePerDomainAndPlainFileNames()
    {
        string[] names =
        [
            LibvirtFileNames.DiskFile("web01", Stamp, "vda"),
            LibvirtFileNames.XmlFile("web01", Stamp),
            LibvirtFileNames.NvramFile("web01", Stamp),
            LibvirtFileNames.RestoredDisk("web01", Stamp, "vda"),
        ];

        Assert.Equal(["web01-20261202T080102Z-vda.qcow2", "web01-20261202T080102Z.xml", "web01-20261202T080102Z-nvram.fd", "web01-r20261202T080102Z-vda.qcow2"], names);
        Assert.All(names, n => Assert.True(HostPath.IsFileName(n), n));
        Assert.Equal("drportal-20261202T080102Z", LibvirtFileNames.Checkpoint(Stamp));
    }

    [Fact]
    public void DiskFile_PlusInTheDomain_IsSpeltOutAndStaysApartFromADash()
    {
        var plus = LibvirtFileNames.DiskFile("a+b", Stamp, "vda");

        Assert.True(HostPath.IsFileName(plus));
        Assert.NotEqual(LibvirtFileNames.DiskFile("a-b", Stamp, "vda"), plus);
    }

    [Theory]
    [InlineData("vda;rm")]
    [InlineData("../x")]
    [InlineData("VDA")]
    [InlineData("")]
    public void DiskFile_BadDev_IsRefused(string dev) => Assert.Throws<ArgumentException>(() => LibvirtFileNames.DiskFile("web01", Stamp, dev));

    [Fact]
    public void Checkpoint_BadStamp_IsRefused() => Assert.Throws<ArgumentException>(() => LibvirtFileNames.Checkpoint("now; reboot"));

    [Fact]
    public void StampOfDiskFile_ADiskFileOfTheDomain_GivesItsStamp() =>
        Assert.Equal(Stamp, LibvirtFileNames.StampOfDiskFile("a+b", "vdb", LibvirtFileNames.DiskFile("a+b", Stamp, "vdb")));

    [Theory]
    [InlineData("web01-vda.qcow2")]
    [InlineData("web01-20261202T080102Z-vdb.qcow2")]
    [InlineData("web02-20261202T080102Z-vda.qcow2")]
    [InlineData("web01-20261202T080102Z-vda.qcow2.part")]
    [InlineData("web01-now;reboot-vda.qcow2")]
    [InlineData("web01--vda.qcow2")]
    public void StampOfDiskFile_AnyOtherFile_IsNull(string fileName) =>
        Assert.Null(LibvirtFileNames.StampOfDiskFile("web01", "vda", fileName));
}
