using DrPortal.Infrastructure.Transport;

namespace DrPortal.Tests.Unit;

public class RsyncExitStatusTests
{
    [Fact]
    public void Classify_Zero_Succeeds()
    {
        var status = RsyncExitStatus.Classify(0, "");

        Assert.True(status.Succeeded);
        Assert.Equal(RsyncFailureKind.None, status.Kind);
        Assert.False(status.Retryable);
    }

    [Theory]
    [InlineData(1, RsyncFailureKind.Usage, false)]
    [InlineData(2, RsyncFailureKind.Usage, false)]
    [InlineData(3, RsyncFailureKind.FileIo, false)]
    [InlineData(5, RsyncFailureKind.Usage, false)]
    [InlineData(10, RsyncFailureKind.ConnectionLost, true)]
    [InlineData(11, RsyncFailureKind.FileIo, false)]
    [InlineData(12, RsyncFailureKind.ConnectionLost, true)]
    [InlineData(20, RsyncFailureKind.Interrupted, false)]
    [InlineData(23, RsyncFailureKind.PartialTransfer, false)]
    [InlineData(24, RsyncFailureKind.SourceVanished, false)]
    [InlineData(30, RsyncFailureKind.Timeout, true)]
    [InlineData(35, RsyncFailureKind.Timeout, true)]
    [InlineData(255, RsyncFailureKind.SshFailed, true)]
    [InlineData(137, RsyncFailureKind.Interrupted, false)]
    [InlineData(99, RsyncFailureKind.Other, false)]
    [InlineData(-1, RsyncFailureKind.Other, false)]
    public void Classify_ExitCode_HasKindAndRetryability(int code, RsyncFailureKind kind, bool retryable)
    {
        var status = RsyncExitStatus.Classify(code);

        Assert.False(status.Succeeded);
        Assert.Equal(kind, status.Kind);
        Assert.Equal(retryable, status.Retryable);
        Assert.Contains($"(rsync exit {code})", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_CutLink_IsRetryableWithTheCause()
    {
        // Captured from rsync 3.5.0 when the sending side died mid-transfer.
        const string stderr =
            "rsync: connection unexpectedly closed (6227535 bytes received so far) [receiver]\n" +
            "rsync error: error in rsync protocol data stream (code 12) at io.c(285) [receiver=3.5.0]\n" +
            "rsync: connection unexpectedly closed (72 bytes received so far) [generator]\n" +
            "rsync error: error in rsync protocol data stream (code 12) at io.c(285) [generator=3.5.0]\n";

        var status = RsyncExitStatus.Classify(12, stderr);

        Assert.Equal(RsyncFailureKind.ConnectionLost, status.Kind);
        Assert.True(status.Retryable);
        Assert.EndsWith(": rsync: connection unexpectedly closed (6227535 bytes received so far) [receiver]", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_MissingSource_IsNotRetryable()
    {
        // Captured from rsync 3.5.0.
        const string stderr =
            "rsync: [sender] link_stat \"/tmp/rs-probe/src/nope.bin\" failed: No such file or directory (2)\n" +
            "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]\n";

        var status = RsyncExitStatus.Classify(23, stderr);

        Assert.Equal(RsyncFailureKind.PartialTransfer, status.Kind);
        Assert.False(status.Retryable);
        Assert.Contains("No such file or directory", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ConnectionRefused_IsRetryable()
    {
        // Captured from rsync 3.5.0 with ssh to a closed port: rsync reports a stream error, not 255.
        const string stderr =
            "ssh: connect to host 127.0.0.1 port 1: Connection refused\n" +
            "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n" +
            "rsync error: error in rsync protocol data stream (code 12) at io.c(285) [sender=3.5.0]\n";

        var status = RsyncExitStatus.Classify(12, stderr);

        Assert.True(status.Retryable);
        Assert.Contains("Connection refused", status.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(255)]
    [InlineData(12)]
    public void Classify_ChangedHostKey_IsNeverRetried(int code)
    {
        const string stderr =
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n" +
            "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n" +
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n" +
            "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n" +
            "Host key for 10.250.0.11 has changed and you have requested strict checking.\n" +
            "Host key verification failed.\n" +
            "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n" +
            "rsync error: unexplained error (code 255) at io.c(232) [Receiver=3.2.7]\n";

        var status = RsyncExitStatus.Classify(code, stderr);

        Assert.Equal(RsyncFailureKind.HostKeyRejected, status.Kind);
        Assert.False(status.Retryable);
        Assert.Contains("pinned", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_UnknownHostKey_IsHostKeyRejected() =>
        Assert.Equal(RsyncFailureKind.HostKeyRejected, RsyncExitStatus.Classify(255,
            "No ED25519 host key is known for 10.250.0.21 and you have requested strict checking.\nHost key verification failed.\n").Kind);

    [Fact]
    public void Classify_KeyRefused_IsAuthenticationFailed()
    {
        var status = RsyncExitStatus.Classify(255, "root@10.250.0.11: Permission denied (publickey,password).\nrsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\n");

        Assert.Equal(RsyncFailureKind.AuthenticationFailed, status.Kind);
        Assert.False(status.Retryable);
    }

    [Fact]
    public void Classify_FilePermissionDenied_IsNotMistakenForLogin() =>
        Assert.Equal(RsyncFailureKind.PartialTransfer, RsyncExitStatus.Classify(23,
            "rsync: [receiver] mkstemp \"/repo/.x.zst.Ab12\" failed: Permission denied (13)\n").Kind);

    [Fact]
    public void Classify_DiskFull_IsNotRetryable()
    {
        var status = RsyncExitStatus.Classify(11,
            "rsync: [receiver] write failed on \"/repo/pve-dc1/100/vzdump-qemu-100-2024_01_31-14_05_09.vma.zst\": No space left on device (28)\n" +
            "rsync error: error in file IO (code 11) at receiver.c(381) [receiver=3.5.0]\n");

        Assert.Equal(RsyncFailureKind.DiskFull, status.Kind);
        Assert.False(status.Retryable);
        Assert.Contains("No space left on device", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_NoRemoteRsync_IsNotRetryable()
    {
        var status = RsyncExitStatus.Classify(12, "bash: line 1: rsync: command not found\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]\n");

        Assert.Equal(RsyncFailureKind.RemoteRsyncMissing, status.Kind);
        Assert.False(status.Retryable);
    }

    [Fact]
    public void Classify_NoStderr_StillHasAReason() =>
        Assert.Equal("Timed out: no data moved for the I/O timeout (rsync exit 30).", RsyncExitStatus.Classify(30).Reason);
}
