using System.Xml.Linq;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtNetworkXmlTests
{
    private static readonly LibvirtHostNetwork Drill = new("br-drill", LibvirtNetworkKind.LinuxBridge, true, false, null);
    private static readonly LibvirtHostNetwork Default = new("default", LibvirtNetworkKind.Network, false, false, null);

    [Fact]
    public void WithNetwork_DrillBridgeLinkDownNewMac_WrittenAndEverythingElseKept()
    {
        var xml = LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.BootDomainXml, [new LibvirtNicChange(0, Drill, null, NewMac: true, LinkUp: false)]);

        var nic = Assert.Single(LibvirtDomainXml.Interfaces(xml));
        Assert.Equal(new LibvirtInterface("bridge", null, "br-drill", null, true, "virtio"), nic);
        var root = XElement.Parse(xml);
        Assert.Equal("1879658e-952b-4d2b-bc91-8f867593d9eb", root.Element("uuid")?.Value);
        Assert.Equal("/usr/local/lib/drlab-guest/vmlinuz", root.Element("os")?.Element("kernel")?.Value);
        Assert.Equal("0x02", (string?)root.Element("devices")?.Element("interface")?.Element("address")?.Attribute("slot"));
        Assert.Single(root.Element("devices")!.Elements("channel"));
    }

    [Fact]
    public void WithNetwork_BridgeToLibvirtNetwork_TypeFollowsAndOldPortAndTapGo()
    {
        var xml = LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.ThreeNicXml, [new LibvirtNicChange(1, Default, null, NewMac: false, LinkUp: true)]);

        var nics = LibvirtDomainXml.Interfaces(xml);
        Assert.Equal(new LibvirtInterface("network", "52:54:00:aa:bb:02", "default", null, false, "virtio"), nics[1]);
        var second = XElement.Parse(xml).Element("devices")!.Elements("interface").ElementAt(1);
        Assert.Null(second.Element("target"));
        Assert.Null(second.Element("virtualport"));
        Assert.Equal(["mac", "source"], second.Elements().Take(2).Select(e => e.Name.LocalName));
        // The NICs not named stay as they were.
        Assert.Equal(LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.ThreeNicXml)[0], nics[0]);
        Assert.Equal(LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.ThreeNicXml)[2], nics[2]);
    }

    [Fact]
    public void WithNetwork_KeepNetworkSetTagLinkUp_SourceKeptTagReplaced()
    {
        var xml = LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.ThreeNicXml, [new LibvirtNicChange(0, null, 7, NewMac: false, LinkUp: true)]);

        var nic = LibvirtDomainXml.Interfaces(xml)[0];
        Assert.Equal(("network", "ovs-vlans", 7, false, "52:54:00:aa:bb:01"), (nic.Type, nic.Source, nic.VlanTag, nic.LinkDown, nic.Mac));
        Assert.Single(XElement.Parse(xml).Element("devices")!.Elements("interface").First().Elements("vlan"));
    }

    [Fact]
    public void WithNetwork_NoTag_VlanRemoved()
    {
        var xml = LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.ThreeNicXml, [new LibvirtNicChange(0, null, null, NewMac: false, LinkUp: false)]);

        Assert.Null(LibvirtDomainXml.Interfaces(xml)[0].VlanTag);
    }

    [Theory]
    [InlineData("br'/><interface type='ethernet")]
    [InlineData("a\"b<c>&d")]
    [InlineData("]]><!--")]
    public void WithNetwork_HostileNetworkName_EscapedAndReadBackVerbatim(string name)
    {
        var hostile = new LibvirtHostNetwork(name, LibvirtNetworkKind.LinuxBridge, true, false, null);

        var xml = LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.ThreeNicXml, [new LibvirtNicChange(2, hostile, null, NewMac: true, LinkUp: false)]);

        var nics = LibvirtDomainXml.Interfaces(xml);
        Assert.Equal(3, nics.Count);
        Assert.Equal(name, nics[2].Source);
        Assert.Equal("bridge", nics[2].Type);
    }

    [Fact]
    public void WithNetwork_UnknownInterface_Throws()
    {
        var ex = Assert.Throws<FormatException>(() =>
            LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.BootDomainXml, [new LibvirtNicChange(1, Drill, null, false, true)]));

        Assert.Contains("no interface net1", ex.Message, StringComparison.Ordinal);
    }
}
