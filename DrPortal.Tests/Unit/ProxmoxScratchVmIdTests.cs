using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class ProxmoxScratchVmIdTests
{
    [Fact]
    public void Pick_NothingTaken_900000()
    {
        Assert.Equal(900_000, ProxmoxScratchVmId.Pick([VmId.From(100), VmId.From(9570)], []).Value);
    }

    [Fact]
    public void Pick_SkipsVmidsOnTheHostAndTakenOnes_FirstGap()
    {
        var onHost = new[] { VmId.From(900_000), VmId.From(900_002) };

        Assert.Equal(900_003, ProxmoxScratchVmId.Pick(onHost, ["900001", "drill-web01", "0900004", ""]).Value);
    }

    [Fact]
    public void Pick_TakenTextThatIsNoVmid_IsIgnored()
    {
        Assert.Equal(900_000, ProxmoxScratchVmId.Pick([], ["drill-web01", "900000 ", "-900000"]).Value);
    }
}
