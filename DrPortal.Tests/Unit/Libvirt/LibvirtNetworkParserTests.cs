using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtNetworkParserTests
{
    [Fact]
    public void Parse_LabHost_Br0WithUplinkIsProductionAndBrDrillIsIsolated()
    {
        var networks = LibvirtNetworkParser.Parse(LibvirtNetworkSamples.LabOutput);

        Assert.Equal(["br-drill", "br0"], networks.Select(n => n.Name));
        var drill = networks[0];
        Assert.True(drill.Isolated);
        Assert.Equal(LibvirtNetworkKind.LinuxBridge, drill.Kind);
        Assert.Equal("Linux bridge; no uplink port; 1 domain NIC(s)", drill.Detail);
        var production = networks[1];
        Assert.False(production.Isolated);
        Assert.False(production.VlanCapable);
        Assert.Equal("Linux bridge; ports uplink0; 1 domain NIC(s)", production.Detail);
    }

    [Fact]
    public void Parse_LibvirtNetworks_IsolatedOnlyWithoutForwardAndTheirBridgesFollow()
    {
        var networks = LibvirtNetworkParser.Parse(LibvirtNetworkSamples.WithNetworksOutput).ToDictionary(n => n.Name);

        Assert.False(networks["default"].Isolated);
        Assert.Equal(LibvirtNetworkKind.Network, networks["default"].Kind);
        Assert.Equal("libvirt network on bridge virbr0; forward nat", networks["default"].Detail);
        Assert.True(networks["drill-net"].Isolated);
        Assert.Equal("libvirt network on bridge virbr1; no forwarding; not active", networks["drill-net"].Detail);
        Assert.True(networks["ovs-vlans"].VlanCapable);
        Assert.False(networks["default"].VlanCapable);
        Assert.Equal(5, networks.Count);
    }

    [Fact]
    public void Parse_BridgeOfANatNetwork_IsNotIsolatedThoughItHasNoUplinkPort()
    {
        var links = """[{"ifindex":5,"ifname":"virbr0","flags":["UP"],"mtu":1500,"linkinfo":{"info_kind":"bridge"}},""" +
                    """{"ifindex":6,"ifname":"vnet3","master":"virbr0","linkinfo":{"info_kind":"tun","info_slave_kind":"bridge"}}]""";
        var output = $"@links\n{links}\n@networks\ndefault\n@active\ndefault\n@net default\n{LibvirtNetworkSamples.DefaultNetworkXml}\n@end\n";

        var virbr0 = Assert.Single(LibvirtNetworkParser.Parse(output), n => n.Name == "virbr0");

        Assert.False(virbr0.Isolated);
        Assert.Contains("bridge of libvirt network default (forward nat)", virbr0.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoLinkDetails_TapsKnownByLibvirtsNames()
    {
        // Ports without linkinfo, as an ip without -d details prints them.
        var links = """[{"ifname":"br9","linkinfo":{"info_kind":"bridge"}},{"ifname":"br9x","linkinfo":{"info_kind":"bridge"}},""" +
                    """{"ifname":"vnet12","master":"br9"},{"ifname":"eth1","master":"br9x"}]""";

        var networks = LibvirtNetworkParser.Parse($"@links\n{links}\n@unavailable error: no network driver\n@end\n");

        Assert.True(networks.Single(n => n.Name == "br9").Isolated);
        Assert.False(networks.Single(n => n.Name == "br9x").Isolated);
    }

    [Fact]
    public void Parse_CutOff_Throws()
    {
        Assert.Throws<FormatException>(() => LibvirtNetworkParser.Parse("@links\n" + LibvirtNetworkSamples.IpLinks + "\n@networks\ndefault\n"));
    }

    [Fact]
    public void Parse_NotJson_Throws()
    {
        var ex = Assert.Throws<FormatException>(() => LibvirtNetworkParser.Parse("@links\nError: unknown command\n@end\n"));

        Assert.Contains("not ip's JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NetworkXmlUnreadable_NotOfferedAsIsolated()
    {
        var output = $"@links\n[]\n@networks\nodd\n@active\n@net odd\n<network><name>odd\n@end\n";

        var odd = Assert.Single(LibvirtNetworkParser.Parse(output));

        Assert.False(odd.Isolated);
        Assert.Contains("could not be read", odd.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHostNetwork_KeepsNameIsolationAndDetail()
    {
        var network = new LibvirtHostNetwork("br-drill", LibvirtNetworkKind.LinuxBridge, true, false, "Linux bridge; no uplink port");

        Assert.Equal(new Core.Hypervisors.HostNetwork("br-drill", true, "Linux bridge; no uplink port"), network.ToHostNetwork());
    }
}
