using DrPortal.Core.Hypervisors;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class QmOutputParserTests
{
    [Fact]
    public void ParseList_ReferenceFormat_ReadsEveryRow()
    {
        var output =
            "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n" +
            "       100 VM 100               stopped    2048              32.00 0         \n" +
            "       101 web-frontend-with-a-very-long-name running    4096             100.50 12345     \n" +
            "  999999999 db                   paused     512                0.00 777       \n";

        var vms = QmOutputParser.ParseList(output);

        Assert.Equal(3, vms.Count);
        Assert.Equal(new VmInfo(VmRef.Of("100"), "VM 100", VmPowerState.Stopped, 2048, 32.00, null), vms[0]);
        Assert.Equal("web-frontend-with-a-very-long-name", vms[1].Name);
        Assert.Equal(VmPowerState.Running, vms[1].Status);
        Assert.Equal(100.50, vms[1].DiskGb);
        Assert.Equal(12345, vms[1].Pid);
        Assert.Equal("999999999", vms[2].Ref.Value);
        Assert.Equal(VmPowerState.Paused, vms[2].Status);
    }

    [Fact]
    public void ParseList_Empty_IsEmpty() => Assert.Empty(QmOutputParser.ParseList(""));

    [Fact]
    public void ParseList_GarbageLines_AreIgnored() =>
        Assert.Empty(QmOutputParser.ParseList("ipcc_send_rec[1] failed: Connection refused\nnot a row at all\n"));

    [Theory]
    [InlineData("status: running\n", VmPowerState.Running)]
    [InlineData("status: stopped\n", VmPowerState.Stopped)]
    [InlineData("status: paused", VmPowerState.Paused)]
    [InlineData("status: suspended\n", VmPowerState.Paused)]
    [InlineData("status: prelaunch\n", VmPowerState.Paused)]
    [InlineData("status: postmigrate\n", VmPowerState.Unknown)]
    [InlineData("status: inmigrate\n", VmPowerState.Unknown)]
    [InlineData("status: io-error\n", VmPowerState.Unknown)]
    [InlineData("status: internal-error\n", VmPowerState.Unknown)]
    [InlineData("status: some-future-word\n", VmPowerState.Unknown)]
    [InlineData("status:\n", VmPowerState.Unknown)]
    [InlineData("", VmPowerState.Unknown)]
    [InlineData("something else", VmPowerState.Unknown)]
    public void ParseStatus_AnyQemuStateWord_MapsWithoutThrowing(string output, VmPowerState expected) =>
        Assert.Equal(expected, QmOutputParser.ParseStatus(output));

    [Theory]
    [InlineData("status: io-error\n", "io-error")]
    [InlineData("warning: something\nstatus: running\n", "running")]
    [InlineData("no status here\n", null)]
    public void StatusWord_KeepsTheRawWord(string output, string? expected) =>
        Assert.Equal(expected, QmOutputParser.StatusWord(output));
}
