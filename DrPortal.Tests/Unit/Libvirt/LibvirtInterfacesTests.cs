using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtInterfacesTests
{
    [Fact]
    public void Interfaces_BootDomain_OneVirtioNicOnBr0LinkUp()
    {
        var nic = Assert.Single(LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.BootDomainXml));

        Assert.Equal(new LibvirtInterface("bridge", "52:54:00:76:b2:9a", "br0", null, false, "virtio"), nic);
    }

    [Fact]
    public void Interfaces_ThreeNics_InDocumentOrderWithNetworkVlanLinkPortAndModel()
    {
        var nics = LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.ThreeNicXml);

        Assert.Equal(3, nics.Count);
        Assert.Equal(new LibvirtInterface("network", "52:54:00:aa:bb:01", "ovs-vlans", 42, true, "e1000"), nics[0]);
        Assert.Equal(new LibvirtInterface("bridge", "52:54:00:aa:bb:02", "ovsbr0", null, false, "virtio", "openvswitch"), nics[1]);
        Assert.Equal(new LibvirtInterface("user", "52:54:00:aa:bb:03", null, null, false, null), nics[2]);
    }

    [Fact]
    public void Parse_Nics_AreTheInterfacesLinkView()
    {
        var domain = LibvirtDomainXml.Parse(LibvirtNetworkSamples.ThreeNicXml);

        Assert.Equal([new LibvirtNic("52:54:00:aa:bb:01", true), new LibvirtNic("52:54:00:aa:bb:02", false), new LibvirtNic("52:54:00:aa:bb:03", false)],
            domain.Nics);
    }

    [Fact]
    public void Interfaces_NotADomain_Throws()
    {
        Assert.Throws<FormatException>(() => LibvirtDomainXml.Interfaces("<network><name>x</name></network>"));
    }
}
