using System.Diagnostics;
using DrPortal.Core.Accounts;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using DrPortal.Infrastructure;
using DrPortal.Infrastructure.Remote;
using DrPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DrPortal.Tests.Integration.Lab;

/// <summary>
/// SshNetRemoteShell's kept connections against the lab's real sshd: reuse seen from the host's side ($SSH_CLIENT names the
/// portal's source port), concurrent channels, a re-pinned key, a cut link, and a kept connection broken underneath.
/// Each test has a shell (and pool) of its own with the lab portal's authorised key.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class SshConnectionReuseTests(LabPortalFixture portal) : IDisposable
{
    private static readonly RemoteCommand WhoAmI = RemoteCommand.Script("printf '%s\\n' \"$SSH_CLIENT\"");

    private readonly SshNetRemoteShell _shell = new(portal.Services.GetRequiredService<IPortalKey>(),
        Options.Create(new DrPortalOptions()), NullLogger<SshNetRemoteShell>.Instance);

    public void Dispose() => _shell.Dispose();

    private static async Task<SshEndpoint> EndpointAsync(string name, string? keyOf = null, string? address = null, int port = 22)
    {
        var host = await Support.Lab.HostAsync(name);
        var key = (await Support.Lab.HostAsync(keyOf ?? name)).HostKey.Split(' ');
        return new SshEndpoint(address ?? host.Address, port, "root", new HostKey(key[0], Convert.FromBase64String(key[1])));
    }

    /// <summary>The client's source port as the host saw it: one value means one TCP connection.</summary>
    private static string SourcePort(RemoteResult result) => result.StandardOutput.Trim().Split(' ')[1];

    [Fact]
    public async Task RunAsync_ManyCommandsOneAfterAnother_ShareOneTcpConnection()
    {
        var endpoint = await EndpointAsync("pve-dc1");
        var ports = new List<string>();

        for (var i = 0; i < 25; i++)
        {
            var result = await _shell.RunAsync(endpoint, WhoAmI, CancellationToken.None);
            Assert.Equal(0, result.ExitStatus);
            ports.Add(SourcePort(result));
        }

        Assert.Single(ports.Distinct());
        Assert.Equal(1, _shell.Pool.ConnectionsOpened);
    }

    [Fact]
    public async Task RunAsync_ConcurrentCommands_EachGetsItsOwnOutput_OnSharedConnections()
    {
        var endpoint = await EndpointAsync("pve-dc1");
        await _shell.RunAsync(endpoint, new RemoteCommand("true"), CancellationToken.None);
        const int count = 12;

        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => _shell.RunAsync(endpoint,
            RemoteCommand.Script("sleep 1; printf '%s %s\\n' \"$1\" \"$SSH_CLIENT\"; echo \"err $1\" >&2; exit \"$2\"", $"c{i}", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            CancellationToken.None)));

        for (var i = 0; i < count; i++)
        {
            Assert.StartsWith($"c{i} ", results[i].StandardOutput, StringComparison.Ordinal);
            Assert.Equal($"err c{i}", results[i].StandardError.Trim());
            Assert.Equal(i % 3, results[i].ExitStatus);
        }
        // The warm connection carries its channels' worth; only the rest needed connections of their own.
        var ports = results.Select(r => r.StandardOutput.Trim().Split(' ')[2]).Distinct().Count();
        Assert.InRange(ports, 2, 1 + count - SshConnectionPool<Renci.SshNet.SshClient>.ChannelsPerConnection);
        Assert.Equal(ports, _shell.Pool.ConnectionsOpened);
    }

    [Fact]
    public async Task RunAsync_ARepinnedHostKey_IsNotServedByTheKeptConnection()
    {
        var genuine = await EndpointAsync("pve-dc2");
        Assert.Equal(0, (await _shell.RunAsync(genuine, new RemoteCommand("true"), CancellationToken.None)).ExitStatus);

        // The same address, user and port, but pinned to another host's key: as if an admin had re-pinned it.
        var repinned = await EndpointAsync("pve-dc2", keyOf: "pve-dc1");
        var refused = await Assert.ThrowsAsync<HostKeyMismatchException>(() => _shell.RunAsync(repinned, new RemoteCommand("true"), CancellationToken.None));

        Assert.Equal((await Support.Lab.HostAsync("pve-dc2")).Fingerprint, refused.Presented);
        // The genuine key still gets its kept connection.
        Assert.Equal(0, (await _shell.RunAsync(genuine, new RemoteCommand("true"), CancellationToken.None)).ExitStatus);
        Assert.Equal(1, _shell.Pool.ConnectionsOpened);
    }

    [Fact]
    public async Task RunAsync_OnACutLink_FailsWithinTheConnectTimeout_AndAfterHealingWorksAgain()
    {
        var endpoint = await EndpointAsync("pve-dr1");
        Assert.Equal(0, (await _shell.RunAsync(endpoint, new RemoteCommand("true"), CancellationToken.None)).ExitStatus);

        await Support.Lab.RunAsync("cut", "pve-dr1");
        try
        {
            var watch = Stopwatch.StartNew();
            // The kept connection looks alive; its channel open goes unanswered and the command never reaches the host.
            var failure = await Assert.ThrowsAsync<RemoteConnectionException>(() => _shell.RunAsync(endpoint, new RemoteCommand("true"), CancellationToken.None));
            watch.Stop();

            Assert.Contains("Cannot reach", failure.Message, StringComparison.Ordinal);
            // The connect timeout (15 s) as without the pool, not twice it: no retry when its budget is spent.
            Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(22));
        }
        finally
        {
            await Support.Lab.RunAsync("heal", "pve-dr1");
        }

        var again = await _shell.RunAsync(endpoint, WhoAmI, CancellationToken.None);
        Assert.Equal(0, again.ExitStatus);
        Assert.Equal(2, _shell.Pool.ConnectionsOpened);
    }

    [Fact]
    public async Task RunAsync_AfterTheKeptConnectionBrokeUnderneath_RunsTheCommandOnceOnAFreshConnection()
    {
        var host = await Support.Lab.HostAsync("pve-dc2");
        await using var relay = new TcpRelay(host.Address, 22);
        var endpoint = await EndpointAsync("pve-dc2", address: "127.0.0.1", port: relay.Port);
        var marker = $"/tmp/drportal-once-{Guid.NewGuid():N}";
        var append = RemoteCommand.Script("echo ran >> \"$1\"", marker);
        try
        {
            Assert.Equal(0, (await _shell.RunAsync(endpoint, append, CancellationToken.None)).ExitStatus);

            // The relay drops every connection through it (as a restarted sshd or a reset firewall would) and listens again.
            relay.Cut();
            relay.Restore();
            var second = await _shell.RunAsync(endpoint, append, CancellationToken.None);

            Assert.Equal(0, second.ExitStatus);
            Assert.Equal(2, _shell.Pool.ConnectionsOpened);
            Assert.Equal(["ran", "ran"], (await Support.Lab.ExecAsync("pve-dc2", "cat", marker)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            await Support.Lab.ExecAsync("pve-dc2", "rm", "-f", marker);
        }
    }
}
