using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

/// <summary>`qm guest cmd VMID ping` replies classified by the reference's messages.</summary>
public class ProxmoxGuestAgentTests
{
    [Fact]
    public void Classify_ExitZeroNothingPrinted_Answered()
    {
        Assert.Equal(GuestAgentState.Answered, QmGuestPingParser.Classify(new RemoteResult(0, "", ""))?.State);
    }

    [Theory]
    [InlineData("No QEMU guest agent configured\n", GuestAgentState.NotConfigured)]
    [InlineData("VM 9701 is not running\n", GuestAgentState.VmNotRunning)]
    [InlineData("QEMU guest agent is not running\n", GuestAgentState.NoAnswer)]
    [InlineData("VM 9701 qga command 'guest-ping' failed - got timeout\n", GuestAgentState.NoAnswer)]
    [InlineData("WARN: something new\nQEMU guest agent is not running\n", GuestAgentState.NoAnswer)]
    public void Classify_ReferenceMessages_StateWithTheToolsWords(string stderr, GuestAgentState expected)
    {
        var reply = QmGuestPingParser.Classify(new RemoteResult(255, "", stderr));

        Assert.NotNull(reply);
        Assert.Equal(expected, reply.State);
        Assert.Equal(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], reply.Detail);
    }

    [Fact]
    public void Classify_AgentErrorAsJsonWithExitZero_NoAnswer()
    {
        var reply = QmGuestPingParser.Classify(new RemoteResult(0, "{\n   \"error\" : {\n      \"class\" : \"GenericError\"\n   }\n}\n", ""));

        Assert.Equal(GuestAgentState.NoAnswer, reply?.State);
        Assert.Contains("GenericError", reply?.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Configuration file 'nodes/pve-dr1/qemu-server/9701.conf' does not exist\n")]
    [InlineData("VM is locked (backup)\n")]
    [InlineData("")]
    public void Classify_OtherFailures_AreNoStatementAboutTheGuest(string stderr)
    {
        Assert.Null(QmGuestPingParser.Classify(new RemoteResult(2, "", stderr)));
    }

    [Fact]
    public void QmGuestPing_OneArgumentPerPart()
    {
        Assert.Equal(["guest", "cmd", "9701", "ping"], ProxmoxCommands.QmGuestPing(VmId.From(9701)).Arguments);
    }
}
