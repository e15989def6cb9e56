using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class VirshVersionParserTests
{
    [Fact]
    public void Parse_VirshVersion_IsLibraryAndHypervisor() =>
        Assert.Equal("libvirt 9.0.0, QEMU 7.2.22", VirshVersionParser.Parse(LibvirtSamples.Version));

    [Fact]
    public void Parse_NoHypervisorConnected_IsTheLibraryAlone() =>
        Assert.Equal("libvirt 9.0.0", VirshVersionParser.Parse("Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\n"));

    [Theory]
    [InlineData("")]
    [InlineData("sh: 1: virsh: not found\n")]
    public void Parse_NotVirsh_IsNull(string output) => Assert.Null(VirshVersionParser.Parse(output));
}
