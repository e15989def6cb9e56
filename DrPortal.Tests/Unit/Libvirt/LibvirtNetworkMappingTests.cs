using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtNetworkMappingTests
{
    private static readonly IReadOnlyList<LibvirtHostNetwork> LabNetworks = LibvirtNetworkParser.Parse(LibvirtNetworkSamples.LabOutput);
    private static readonly IReadOnlyList<LibvirtHostNetwork> ManyNetworks = LibvirtNetworkParser.Parse(LibvirtNetworkSamples.WithNetworksOutput);
    private static readonly IReadOnlyList<LibvirtInterface> BootNics = LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.BootDomainXml);
    private static readonly IReadOnlyList<LibvirtInterface> ThreeNics = LibvirtDomainXml.Interfaces(LibvirtNetworkSamples.ThreeNicXml);

    [Fact]
    public void Resolve_DrillDefault_OneChangeToBrDrill()
    {
        var changes = LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks,
            [new NicMapping("net0", "br-drill", null, MacPolicy.New, LinkUp: false)]);

        var change = Assert.Single(changes);
        Assert.Equal((0, "br-drill", true, false), (change.Index, change.Target?.Name, change.NewMac, change.LinkUp));
    }

    [Fact]
    public void Resolve_MissingBridge_NamesItAndTheExistingOnes()
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks,
            [new NicMapping("net0", "br-nowhere", null, MacPolicy.Keep, LinkUp: true)]));

        Assert.Equal("Network br-nowhere does not exist on kvm-dr1; it has: br-drill (isolated), br0. Nothing was changed.", ex.Message);
    }

    [Fact]
    public void Resolve_UnknownNic_NamesTheDomainsNics()
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("web01", "kvm-dr1", ThreeNics, ManyNetworks,
            [new NicMapping("net3", null, null, MacPolicy.Keep, LinkUp: true)]));

        Assert.Contains("has no NIC 'net3'; it has net0, net1, net2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NicTwice_Refused()
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks,
            [NicMapping.Isolated("net0"), NicMapping.Isolated("net0")]));

        Assert.Contains("mapped twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_VlanOnLinuxBridge_RefusedSayingWhy()
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks,
            [new NicMapping("net0", "br-drill", 42, MacPolicy.Keep, LinkUp: true)]));

        Assert.Contains("VLAN tag 42 cannot be set on br-drill of kvm-dr1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not on a Linux bridge", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_VlanOnCurrentLinuxBridge_Refused()
    {
        Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks,
            [new NicMapping("net0", null, 10, MacPolicy.Keep, LinkUp: true)]));
    }

    [Fact]
    public void Resolve_VlanOnOvsNetworkOrOvsPort_Accepted()
    {
        var changes = LibvirtNetworkMapping.Resolve("web01", "kvm-dr1", ThreeNics, ManyNetworks,
            [new NicMapping("net0", "ovs-vlans", 100, MacPolicy.Keep, true), new NicMapping("net1", null, 200, MacPolicy.Keep, true)]);

        Assert.Equal([100, 200], changes.Select(c => c.VlanTag));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    public void Resolve_VlanOutOfRange_Refused(int tag)
    {
        var ex = Assert.Throws<HypervisorCommandException>(() => LibvirtNetworkMapping.Resolve("web01", "kvm-dr1", ThreeNics, ManyNetworks,
            [new NicMapping("net0", "ovs-vlans", tag, MacPolicy.Keep, true)]));

        Assert.Contains("is not between 1 and 4094", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatches_WhatWasAsked_None()
    {
        var changes = LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks, [NicMapping.Isolated("net0") with { Network = "br-drill" }]);
        var after = LibvirtDomainXml.Interfaces(LibvirtDomainXml.WithNetwork(LibvirtNetworkSamples.BootDomainXml, changes))
            .Select(n => n with { Mac = "52:54:00:12:34:56" }).ToList();

        Assert.Empty(LibvirtNetworkMapping.Mismatches(BootNics, after, changes));
    }

    [Fact]
    public void Mismatches_MacKeptLinkUpWrongBridge_EachNamed()
    {
        var changes = LibvirtNetworkMapping.Resolve("n12", "kvm-dr1", BootNics, LabNetworks, [NicMapping.Isolated("net0") with { Network = "br-drill" }]);

        var wrong = LibvirtNetworkMapping.Mismatches(BootNics, BootNics, changes);

        Assert.Equal(3, wrong.Count);
        Assert.Contains("net0 (joins br0 as bridge, not br-drill as bridge)", wrong);
        Assert.Contains("net0 (link up)", wrong);
        Assert.Contains("net0 (MAC 52:54:00:76:b2:9a, not a new one)", wrong);
    }

    [Fact]
    public void Mismatches_InterfaceGone_Said()
    {
        var wrong = LibvirtNetworkMapping.Mismatches(BootNics, [], [new LibvirtNicChange(0, null, null, false, true)]);

        Assert.Equal(["every NIC (it had 1 interface(s), it has 0)"], wrong);
    }
}
