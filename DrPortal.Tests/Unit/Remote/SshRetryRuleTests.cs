using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit.Remote;

/// <summary>When a command may run again on a fresh connection: never twice on the host, never past the connect timeout.</summary>
public class SshRetryRuleTests
{
    [Fact]
    public void MayRetry_AKeptConnectionThatFailedAtOnce_Yes()
    {
        Assert.True(SshNetRemoteShell.MayRetryOnFreshConnection(reusedConnection: true, TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void MayRetry_AFreshConnection_No()
    {
        // A connection made for this command failing says the host is the problem, not a stale connection.
        Assert.False(SshNetRemoteShell.MayRetryOnFreshConnection(reusedConnection: false, TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void MayRetry_AfterTheConnectTimeoutIsSpent_No()
    {
        // A cut link: the kept connection's channel open waited the whole timeout; a retry would double it.
        Assert.False(SshNetRemoteShell.MayRetryOnFreshConnection(reusedConnection: true, TimeSpan.FromSeconds(15)));
        Assert.False(SshNetRemoteShell.MayRetryOnFreshConnection(reusedConnection: true, TimeSpan.FromSeconds(14)));
    }

    [Fact]
    public void ChannelEvidence_FindsSshNetsPrivateFields()
    {
        // Without them no failure counts as "never reached the host" and nothing is retried: safe, but the retry is lost.
        Assert.NotNull(SshChannelEvidence.CommandChannel);
        Assert.NotNull(SshChannelEvidence.RemoteChannelNumber);
    }
}
