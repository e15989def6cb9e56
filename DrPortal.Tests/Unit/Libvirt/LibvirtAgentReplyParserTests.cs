using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

/// <summary>virsh 9.0.0's words, captured on kvm-dr1 against the lab guest.</summary>
public class LibvirtAgentReplyParserTests
{
    [Fact]
    public void Classify_Return_Answered()
    {
        var reply = LibvirtAgentReplyParser.Classify(new RemoteResult(0, "{\"return\":{}}\n\n", ""));

        Assert.Equal(new GuestAgentReply(GuestAgentState.Answered, "{\"return\":{}}"), reply);
    }

    [Theory]
    [InlineData("error: argument unsupported: QEMU guest agent is not configured\n", GuestAgentState.NotConfigured)]
    [InlineData("error: Requested operation is not valid: domain is not running\n", GuestAgentState.VmNotRunning)]
    [InlineData("error: Guest agent is not responding: QEMU guest agent is not connected\n", GuestAgentState.NoAnswer)]
    [InlineData("error: Guest agent is not responding: Guest agent not available for now\n", GuestAgentState.NoAnswer)]
    [InlineData("error: Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainQemuAgentCommand)\n", GuestAgentState.NoAnswer)]
    public void Classify_VirshErrors_TheirState(string stderr, GuestAgentState expected)
    {
        var reply = LibvirtAgentReplyParser.Classify(new RemoteResult(1, "", stderr));

        Assert.NotNull(reply);
        Assert.Equal(expected, reply.State);
        Assert.Equal(stderr.Trim(), reply.Detail);
    }

    [Fact]
    public void Classify_SucceededWithoutReturn_NoAnswer()
    {
        var reply = LibvirtAgentReplyParser.Classify(new RemoteResult(0, "{\"error\":{\"class\":\"GenericError\"}}", ""));

        Assert.Equal(GuestAgentState.NoAnswer, reply?.State);
    }

    [Fact]
    public void Classify_NoSuchDomain_NotTheAgents()
    {
        Assert.Null(LibvirtAgentReplyParser.Classify(new RemoteResult(1, "", "error: failed to get domain 'nope'\n")));
    }
}
