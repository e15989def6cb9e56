using DrPortal.Infrastructure.Hypervisors.Proxmox;

namespace DrPortal.Tests.Unit;

public class QmErrorParserTests
{
    [Theory]
    [InlineData("Configuration file 'nodes/pve-dr1/qemu-server/500.conf' does not exist\n", QmFailureKind.VmNotFound)]
    [InlineData("unable to find configuration file for VM 500 on node 'pve-dr1'\n", QmFailureKind.VmNotFound)]
    [InlineData("VM 500 already running\n", QmFailureKind.AlreadyRunning)]
    [InlineData("VM 500 is running - destroy failed\n", QmFailureKind.VmRunning)]
    [InlineData("ipcc_send_rec[1] failed: Connection refused\n", QmFailureKind.Other)]
    public void Classify_ReferenceMessages_HaveKinds(string stderr, QmFailureKind kind)
    {
        var failure = QmErrorParser.Classify(stderr);

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(stderr.TrimEnd('\n'), failure.Message);
    }

    [Fact]
    public void Classify_Locked_NamesTheLock()
    {
        var failure = QmErrorParser.Classify("VM is locked (backup)\n");

        Assert.Equal(QmFailureKind.Locked, failure.Kind);
        Assert.Equal("backup", failure.Lock);
    }

    [Fact]
    public void Classify_MessageAfterOtherLines_IsFound() =>
        Assert.Equal(QmFailureKind.VmNotFound,
            QmErrorParser.Classify("trying to acquire lock...\nConfiguration file 'nodes/pve/qemu-server/100.conf' does not exist").Kind);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n \n")]
    public void Classify_NoMessage_IsOtherWithAReason(string? stderr)
    {
        var failure = QmErrorParser.Classify(stderr);

        Assert.Equal(QmFailureKind.Other, failure.Kind);
        Assert.Equal("qm failed without a message.", failure.Message);
    }

    [Fact]
    public void Classify_LookalikeMessage_IsNotVmNotFound() =>
        Assert.Equal(QmFailureKind.Other,
            QmErrorParser.Classify("Configuration file 'nodes/pve/lxc/100.conf' does not exist").Kind);
}
