using DrPortal.Infrastructure.Hypervisors.Libvirt;

namespace DrPortal.Tests.Unit.Libvirt;

/// <summary>The command lines of the DR operations: values only as arguments, never pasted into a script.</summary>
public class LibvirtDrCommandsTests
{
    [Fact]
    public void AgentPing_DomainAsOptionValueAndTheJsonAsCmd()
    {
        var command = LibvirtCommands.AgentPing("web01");

        Assert.Equal("virsh", command.Program);
        Assert.Equal(["-c", "qemu:///system", "qemu-agent-command", "--domain", "web01", "--timeout", "3", "--cmd", "{\"execute\":\"guest-ping\"}"], command.Arguments);
    }

    [Fact]
    public void Shutdown_AgentThenAcpiNeverDestroy()
    {
        Assert.Equal(["-c", "qemu:///system", "shutdown", "--domain", "web01", "--mode", "agent,acpi"], LibvirtCommands.Shutdown("web01").Arguments);
    }

    [Theory]
    [InlineData("a;reboot")]
    [InlineData("-rf")]
    [InlineData("$(id)")]
    public void AgentPingAndShutdown_HostileDomain_Refused(string domain)
    {
        Assert.Throws<ArgumentException>(() => LibvirtCommands.AgentPing(domain));
        Assert.Throws<ArgumentException>(() => LibvirtCommands.Shutdown(domain));
    }

    [Fact]
    public void RequireAbsent_PathsArePositionalParameters()
    {
        var command = LibvirtCommands.RequireAbsent(["/var/lib/libvirt/images/a-r20261202T150000Z-vda.qcow2"]);

        Assert.Equal("sh", command.Program);
        Assert.Equal("/var/lib/libvirt/images/a-r20261202T150000Z-vda.qcow2", command.Arguments[^1]);
        Assert.DoesNotContain("/var/lib/libvirt/images", command.Arguments[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/x.qcow2")]
    [InlineData("/x;reboot")]
    [InlineData("/x'y")]
    public void RequireAbsent_HostilePath_Refused(string path)
    {
        Assert.Throws<ArgumentException>(() => LibvirtCommands.RequireAbsent([path]));
    }

    [Fact]
    public void Networks_OneScriptWithNoValuePasted()
    {
        var command = LibvirtCommands.Networks();

        Assert.Equal("sh", command.Program);
        Assert.Contains("ip -d -j link show", command.Arguments[1], StringComparison.Ordinal);
        Assert.Contains("net-dumpxml --network \"$n\"", command.Arguments[1], StringComparison.Ordinal);
    }
}
