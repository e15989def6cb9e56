using DrPortal.Infrastructure.Remote;

namespace DrPortal.Tests.Unit.Remote;

public class SshConnectionPoolTests : IDisposable
{
    private static readonly SshConnectionKey HostA = new("10.250.0.11", 22, "root", "ssh-ed25519", "AQID", "/k", "ssh-ed25519 AAAA");
    private static readonly SshConnectionKey HostB = HostA with { Address = "10.250.0.12" };

    private readonly ManualTimeProvider _time = new();
    private readonly List<FakeSshClient> _connected = [];
    private readonly SshConnectionPool<FakeSshClient> _pool;

    public SshConnectionPoolTests()
    {
        _pool = new SshConnectionPool<FakeSshClient>(c => c.Alive, TimeSpan.FromSeconds(45), _time);
    }

    public void Dispose() => _pool.Dispose();

    private Task<FakeSshClient> ConnectAsync(CancellationToken ct)
    {
        var client = new FakeSshClient(_connected.Count + 1);
        _connected.Add(client);
        return Task.FromResult(client);
    }

    private Task<SshConnectionPool<FakeSshClient>.Lease> AcquireAsync(SshConnectionKey key, bool fresh = false) =>
        _pool.AcquireAsync(key, ConnectAsync, fresh, CancellationToken.None);

    [Fact]
    public async Task Acquire_OneCommandAfterAnother_ReusesOneConnection()
    {
        for (var i = 0; i < 25; i++)
        {
            using var lease = await AcquireAsync(HostA);
            Assert.Equal(i > 0, lease.Reused);
        }

        Assert.Single(_connected);
        Assert.Equal(1, _pool.ConnectionsOpened);
        Assert.Equal(0, _connected[0].Disposals);
    }

    [Fact]
    public async Task Acquire_AnotherKey_NeverGetsTheFirstKeysConnection()
    {
        using (await AcquireAsync(HostA))
        {
        }
        using var other = await AcquireAsync(HostB);

        Assert.False(other.Reused);
        Assert.Equal(2, other.Client.Number);
    }

    [Fact]
    public async Task Acquire_MoreAtOnceThanChannelsPerConnection_OpensASecondConnection()
    {
        var leases = new List<SshConnectionPool<FakeSshClient>.Lease>();
        for (var i = 0; i < SshConnectionPool<FakeSshClient>.ChannelsPerConnection + 1; i++)
        {
            leases.Add(await AcquireAsync(HostA));
        }

        Assert.Equal(SshConnectionPool<FakeSshClient>.ChannelsPerConnection, leases.Count(l => l.Client.Number == 1));
        Assert.Equal(2, leases[^1].Client.Number);
        leases.ForEach(l => l.Dispose());
        Assert.Equal(2, _pool.Count);
    }

    [Fact]
    public async Task Discard_ClosesTheConnectionOnceItsLastCommandEnds_AndTheNextCommandConnectsAgain()
    {
        var first = await AcquireAsync(HostA);
        var second = await AcquireAsync(HostA);
        first.Discard();
        first.Dispose();

        // The other command on it still runs; nobody new gets it.
        Assert.Equal(0, _connected[0].Disposals);
        using (var next = await AcquireAsync(HostA))
        {
            Assert.False(next.Reused);
            Assert.Equal(2, next.Client.Number);
        }
        second.Dispose();

        Assert.Equal(1, _connected[0].Disposals);
        Assert.Equal(0, _connected[1].Disposals);
    }

    [Fact]
    public async Task Acquire_AConnectionThatDied_IsClosed_NotHandedOut()
    {
        using (await AcquireAsync(HostA))
        {
        }
        _connected[0].Alive = false;

        using var lease = await AcquireAsync(HostA);

        Assert.False(lease.Reused);
        Assert.Equal(1, _connected[0].Disposals);
    }

    [Fact]
    public async Task Acquire_Fresh_SkipsTheKeptConnection()
    {
        using var kept = await AcquireAsync(HostA);

        using var fresh = await AcquireAsync(HostA, fresh: true);

        Assert.False(fresh.Reused);
        Assert.NotSame(kept.Client, fresh.Client);
    }

    [Fact]
    public async Task CloseIdle_ClosesOnlyConnectionsIdleForTheTimeout()
    {
        using (await AcquireAsync(HostA))
        {
        }
        _time.Advance(TimeSpan.FromSeconds(30));
        using (await AcquireAsync(HostB))
        {
        }
        var busy = await AcquireAsync(HostB with { User = "backup" });
        _time.Advance(TimeSpan.FromSeconds(20));

        _pool.CloseIdle();

        Assert.Equal(1, _connected[0].Disposals);
        Assert.Equal(0, _connected[1].Disposals);
        Assert.Equal(0, _connected[2].Disposals);
        Assert.Equal(2, _pool.Count);
        busy.Dispose();
    }

    [Fact]
    public async Task Acquire_WhenThePoolIsFull_TheExtraConnectionServesItsCommandAndCloses()
    {
        var leases = new List<SshConnectionPool<FakeSshClient>.Lease>();
        for (var i = 0; i < SshConnectionPool<FakeSshClient>.MaxConnections; i++)
        {
            leases.Add(await AcquireAsync(HostA with { Port = 1000 + i }));
        }

        using (var extra = await AcquireAsync(HostB))
        {
            Assert.Equal(SshConnectionPool<FakeSshClient>.MaxConnections, _pool.Count);
        }

        Assert.Equal(1, _connected[^1].Disposals);
        leases.ForEach(l => l.Dispose());
        Assert.All(_connected.Take(SshConnectionPool<FakeSshClient>.MaxConnections), c => Assert.Equal(0, c.Disposals));
    }

    [Fact]
    public async Task Dispose_ClosesIdleAndBusyConnections_OnceEach()
    {
        using (await AcquireAsync(HostA))
        {
        }
        var busy = await AcquireAsync(HostB);

        _pool.Dispose();
        busy.Dispose();

        Assert.All(_connected, c => Assert.Equal(1, c.Disposals));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => AcquireAsync(HostA));
    }

    [Fact]
    public async Task Acquire_WhenConnectingFails_KeepsNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _pool.AcquireAsync(HostA, _ => Task.FromException<FakeSshClient>(new InvalidOperationException("refused")), fresh: false, CancellationToken.None));

        Assert.Equal(0, _pool.Count);
        Assert.Equal(0, _pool.ConnectionsOpened);
    }
}
