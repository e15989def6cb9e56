using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

/// <summary>A network mapping turned into `qm set --netN` values, hostile input refused, and the read-back check.</summary>
public class ProxmoxNetworkPlanTests
{
    private static readonly VmRef Vm = VmRef.Of("9100");

    private static readonly IReadOnlyList<(int Index, ProxmoxNic Nic)> Nics =
    [
        (0, ProxmoxNic.Parse("virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1,mtu=1500")),
        (1, ProxmoxNic.Parse("e1000=BC:24:11:0A:1B:2C,bridge=vmbr1,tag=30")),
    ];

    private static ProxmoxNicChange Single(NicMapping mapping) => Assert.Single(ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [mapping]));

    [Fact]
    public void Build_NewMacIsolatedTag_WritesModelWithoutMacAndKeepsTheOtherOptions()
    {
        var change = Single(new NicMapping("net0", "vmbr9", 20, MacPolicy.New, LinkUp: false));

        var command = ProxmoxCommands.QmSetNet(VmId.From(9100), change.Index, change.Wanted);

        Assert.Equal(["set", "9100", "--net0", "virtio,bridge=vmbr9,firewall=1,link_down=1,mtu=1500,tag=20"], command.Arguments);
    }

    [Fact]
    public void Build_KeepMacNoNetworkNoTag_KeepsMacAndBridge_RemovesTheTag()
    {
        var change = Single(new NicMapping("net1", null, null, MacPolicy.Keep, LinkUp: true));

        Assert.Equal("e1000=BC:24:11:0A:1B:2C,bridge=vmbr1", change.Wanted.ToString());
    }

    [Theory]
    [InlineData("vmbr0,firewall=0")]
    [InlineData("vmbr0;reboot")]
    [InlineData("$(reboot)")]
    [InlineData("vmbr0 --delete net1")]
    [InlineData("-vmbr0")]
    [InlineData("vmbr0\n")]
    [InlineData("")]
    [InlineData("vmbr0=1")]
    [InlineData("bridgewithaverylongname")]
    public void Build_HostileBridgeName_IsRefusedNamingIt(string bridge)
    {
        var ex = Assert.Throws<ArgumentException>(() => ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [new NicMapping("net0", bridge, null, MacPolicy.Keep, true)]));

        Assert.Contains("bridge", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4095)]
    [InlineData(int.MaxValue)]
    public void Build_VlanTagOutsideTheRange_IsRefused(int tag)
    {
        var ex = Assert.Throws<ArgumentException>(() => ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [new NicMapping("net0", "vmbr9", tag, MacPolicy.Keep, true)]));

        Assert.Contains("VLAN tag", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("net32")]
    [InlineData("net0,net1")]
    [InlineData("net01")]
    public void Build_NotANetNId_IsRefused(string nic)
    {
        Assert.Throws<ArgumentException>(() => ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [new NicMapping(nic, "vmbr9", null, MacPolicy.Keep, true)]));
    }

    [Fact]
    public void Build_NicTheVmDoesNotHave_ThrowsNamingItAndTheOnesItHas()
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [NicMapping.Isolated("net3")]));

        Assert.Contains("no NIC net3; it has net0, net1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameNicTwice_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [NicMapping.Isolated("net0"), NicMapping.Isolated("net0")]));
    }

    [Theory]
    [InlineData("bridge", "vmbr0,firewall=0")]
    [InlineData("bridge", "-x")]
    [InlineData("tag", "0")]
    [InlineData("tag", "4095")]
    [InlineData("tag", "20;30")]
    public void QmSetNet_BridgeOrTagProxmoxWouldNotTake_IsRefused(string key, string value)
    {
        var nic = new ProxmoxNic("virtio", "BC:24:11:2A:3B:4C", new Dictionary<string, string> { [key] = value });

        Assert.Throws<ArgumentException>(() => ProxmoxCommands.QmSetNet(VmId.From(9100), 0, nic));
    }

    [Theory]
    [InlineData("virtio,bridge=vmbr0", "BC:24:11:2A:3B:4C")]
    [InlineData("madeup", "BC:24:11:2A:3B:4C")]
    [InlineData("virtio", "BC:24:11:2A:3B:4C,bridge=vmbr7")]
    public void QmSetNet_ModelOrMacProxmoxWouldNotTake_IsRefused(string model, string mac)
    {
        Assert.Throws<ArgumentException>(() => ProxmoxCommands.QmSetNet(VmId.From(9100), 0, new ProxmoxNic(model, mac, new Dictionary<string, string>())));
    }

    [Fact]
    public void Unmet_ConfigAsWanted_IsEmpty()
    {
        var changes = ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [new NicMapping("net0", "vmbr9", 20, MacPolicy.New, false), new NicMapping("net1", null, null, MacPolicy.Keep, true)]);
        IReadOnlyList<(int, ProxmoxNic)> after =
        [
            (0, ProxmoxNic.Parse("virtio=BC:24:11:99:88:77,bridge=vmbr9,firewall=1,link_down=1,mtu=1500,tag=20")),
            (1, ProxmoxNic.Parse("e1000=BC:24:11:0A:1B:2C,bridge=vmbr1")),
        ];

        Assert.Empty(ProxmoxNetworkPlan.Unmet(changes, after));
    }

    [Theory]
    [InlineData("virtio=BC:24:11:2A:3B:4C,bridge=vmbr9,firewall=1,link_down=1,mtu=1500,tag=20", "net0 (MAC BC:24:11:2A:3B:4C is not a new one)")]
    [InlineData("virtio=BC:24:11:99:88:77,bridge=vmbr0,firewall=1,link_down=1,mtu=1500,tag=20", "net0 (bridge vmbr0)")]
    [InlineData("virtio=BC:24:11:99:88:77,bridge=vmbr9,firewall=1,mtu=1500,tag=20", "net0 (link up)")]
    [InlineData("virtio=BC:24:11:99:88:77,bridge=vmbr9,firewall=1,link_down=1,mtu=1500", "net0 (tag (none))")]
    [InlineData("virtio=BC:24:11:99:88:77,bridge=vmbr9,link_down=1,mtu=1500,tag=20", "net0 (its other options changed)")]
    public void Unmet_ConfigNotAsWanted_NamesTheNicAndWhat(string readBack, string expected)
    {
        var changes = ProxmoxNetworkPlan.Build(Vm, "pve-dr1", Nics, [new NicMapping("net0", "vmbr9", 20, MacPolicy.New, false)]);

        Assert.Equal([expected], ProxmoxNetworkPlan.Unmet(changes, [(0, ProxmoxNic.Parse(readBack))]));
    }

    [Fact]
    public void ToVmNic_NeutralView_UpperMacBridgeTagLinkModel()
    {
        var nic = ProxmoxNic.Parse("e1000=bc:24:11:0a:1b:2c,bridge=vmbr1,link_down=1,tag=30").ToVmNic(1);

        Assert.Equal(new VmNic("net1", "BC:24:11:0A:1B:2C", "vmbr1", 30, false, "e1000"), nic);
    }
}
