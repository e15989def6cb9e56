using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

public class LibvirtInventoryParserTests
{
    [Fact]
    public void Parse_TwoDomains_ReadsEveryFact()
    {
        var vms = LibvirtInventoryParser.Parse(LibvirtSamples.Inventory);

        Assert.Equal(2, vms.Count);
        var running = vms[0];
        Assert.Equal(VmRef.Of("lvsample"), running.Ref);
        Assert.Equal(VmPowerState.Running, running.Status);
        Assert.Equal("f06b5c6e-4996-4f01-8e9b-0c7f38d40a40", running.Uuid);
        Assert.Equal(1, running.Cpus);
        Assert.Equal(32, running.MemoryMb);
        Assert.Equal(0.0625, running.DiskGb);
        Assert.Equal(10546, running.Pid);
        var stopped = vms[1];
        Assert.Equal(VmPowerState.Stopped, stopped.Status);
        Assert.Null(stopped.Pid);
        Assert.Equal("75f43acd-35a3-499e-b64f-218c49b55288", stopped.Uuid);
    }

    [Fact]
    public void Parse_NoDomains_IsEmpty() => Assert.Empty(LibvirtInventoryParser.Parse("@end\n"));

    [Fact]
    public void Parse_CutOff_IsAFormatError() =>
        Assert.Throws<FormatException>(() => LibvirtInventoryParser.Parse(LibvirtSamples.Inventory[..200]));

    [Fact]
    public void Capacities_DomblkinfoAll_IsBytesPerDev() =>
        Assert.Equal(new Dictionary<string, long> { ["vda"] = 67108864 }, LibvirtInventoryParser.Capacities(LibvirtSamples.BlkInfo));

    [Theory]
    [InlineData("running", VmPowerState.Running)]
    [InlineData("shut off", VmPowerState.Stopped)]
    [InlineData("paused", VmPowerState.Paused)]
    [InlineData("crashed", VmPowerState.Stopped)]
    [InlineData("error: failed to get domain 'x'", VmPowerState.Unknown)]
    public void State_DomstateWords_ArePowerStates(string text, VmPowerState state) => Assert.Equal(state, LibvirtInventoryParser.State(text));
}
