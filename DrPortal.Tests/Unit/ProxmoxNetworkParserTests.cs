using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

/// <summary>`pvesh get /nodes/{node}/network --output-format json` samples shaped as the reference's addendum shows them.</summary>
public class ProxmoxNetworkParserTests
{
    // The reference's example element, an isolated bridge with a defaulted numeric bridge_fd, an OVS bridge, and
    // interfaces that are not bridges; the order is as unstable as pvesh's.
    private const string Sample =
        """[{"exists":1,"families":["inet"],"iface":"eno1","method":"manual","method6":"manual","priority":3,"type":"eth"},"""
        + """{"active":1,"autostart":1,"bridge_fd":0,"bridge_ports":"","bridge_stp":"off","comments":"drill\n","families":["inet"],"iface":"vmbr9","method":"manual","method6":"manual","priority":5,"type":"bridge"},"""
        + """{"active":1,"address":"192.168.1.10","autostart":1,"bridge_fd":"0","bridge_ports":"eno1","bridge_stp":"off","cidr":"192.168.1.10/24","families":["inet"],"gateway":"192.168.1.1","iface":"vmbr0","method":"static","method6":"manual","netmask":"24","priority":3,"type":"bridge"},"""
        + """{"families":null,"exists":null,"iface":"bond0","slaves":"eno1 eno2","type":"bond"},"""
        + """{"iface":"vmbr0.20","type":"vlan","vlan-id":"20","vlan-raw-device":"vmbr0"},"""
        + """{"iface":"ovsbr1","ovs_ports":"eno2 ovsint0","ovs_type":"OVSBridge","type":"OVSBridge","mtu":"9000"},"""
        + """{"iface":"vxlan1","type":"vxlan"},{"iface":"dummy0","type":"dummy"}]"""
        + "\n";

    [Fact]
    public void ParseBridges_ReferenceSample_KeepsBridgesAndOvsBridgesSortedByName()
    {
        var networks = ProxmoxNetworkParser.ParseBridges(Sample);

        Assert.Equal(["ovsbr1", "vmbr0", "vmbr9"], networks.Select(n => n.Name));
    }

    [Fact]
    public void ParseBridges_NoPorts_IsIsolated_WithPortsIsNot()
    {
        var networks = ProxmoxNetworkParser.ParseBridges(Sample).ToDictionary(n => n.Name);

        Assert.True(networks["vmbr9"].Isolated);
        Assert.False(networks["vmbr0"].Isolated);
        Assert.False(networks["ovsbr1"].Isolated);
    }

    [Fact]
    public void ParseBridges_Detail_NamesPortsAddressAndComment()
    {
        var networks = ProxmoxNetworkParser.ParseBridges(Sample).ToDictionary(n => n.Name);

        Assert.Equal("ports eno1; 192.168.1.10/24", networks["vmbr0"].Detail);
        Assert.Equal("no ports; drill", networks["vmbr9"].Detail);
    }

    [Theory]
    [InlineData("""[{"iface":"vmbr1","type":"bridge","bridge_fd":"0","bridge_ports":"eno1","priority":"4","bridge_vlan_aware":"1"}]""")]
    [InlineData("""[{"iface":"vmbr1","type":"bridge","bridge_fd":0,"bridge_ports":"eno1","priority":4,"bridge_vlan_aware":1}]""")]
    public void ParseBridges_StringOrNumberTyping_ReadAlike(string json)
    {
        var network = Assert.Single(ProxmoxNetworkParser.ParseBridges(json));

        Assert.Equal(("vmbr1", false, "ports eno1; VLAN aware"), (network.Name, network.Isolated, network.Detail));
    }

    [Fact]
    public void ParseBridges_BridgeWithoutPortsKey_IsIsolated()
    {
        var network = Assert.Single(ProxmoxNetworkParser.ParseBridges("""[{"iface":"vmbr2","type":"bridge"}]"""));

        Assert.True(network.Isolated);
    }

    [Theory]
    [InlineData("vmbr0,firewall=0")]
    [InlineData("-vmbr0")]
    [InlineData("vmbr0 --delete net0")]
    [InlineData("averyveryverylongbridge")]
    public void ParseBridges_NamesThatAreNoBridgeName_AreLeftOut(string iface)
    {
        var json = "[{\"iface\":" + System.Text.Json.JsonSerializer.Serialize(iface) + ",\"type\":\"bridge\",\"bridge_ports\":\"\"},{\"iface\":\"vmbr0\",\"type\":\"bridge\"}]";

        Assert.Equal(["vmbr0"], ProxmoxNetworkParser.ParseBridges(json).Select(n => n.Name));
    }

    [Fact]
    public void ParseBridges_EmptyArray_NoNetworks()
    {
        Assert.Empty(ProxmoxNetworkParser.ParseBridges("[]\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Use of uninitialized value in concatenation")]
    [InlineData("""{"iface":"vmbr0"}""")]
    public void ParseBridges_NotAJsonArray_FormatException(string output)
    {
        Assert.Throws<FormatException>(() => ProxmoxNetworkParser.ParseBridges(output));
    }
}
