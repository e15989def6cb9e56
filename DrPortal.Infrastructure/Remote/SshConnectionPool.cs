namespace DrPortal.Infrastructure.Remote;

/// <summary>
/// Logged-in SSH connections kept for the next command to the same <see cref="SshConnectionKey"/>, so a task's many
/// short host commands pay the key exchange and login once instead of each time. A connection carries up to
/// <see cref="ChannelsPerConnection"/> commands at once; the pool keeps at most <see cref="MaxConnections"/> (beyond that a
/// connection serves its command and is closed), closes connections idle for the configured time, and closes all on dispose.
/// Generic over the client so its bookkeeping can be tested without a server.
/// </summary>
internal sealed class SshConnectionPool<TClient> : IDisposable where TClient : class, IDisposable
{
    /// <summary>Below SSH.NET's and OpenSSH's default of 10 sessions per connection; SSH.NET blocks a thread beyond its limit.</summary>
    public const int ChannelsPerConnection = 8;

    public const int MaxConnections = 32;

    private readonly Func<TClient, bool> _isAlive;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<SshConnectionKey, List<Entry>> _entries = [];
    private readonly ITimer _reaper;
    private int _pooled;
    private long _opened;
    private bool _disposed;

    public SshConnectionPool(Func<TClient, bool> isAlive, TimeSpan idleTimeout, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        _isAlive = isAlive;
        _idleTimeout = idleTimeout;
        _time = time;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, idleTimeout.Ticks / 4));
        _reaper = time.CreateTimer(_ => CloseIdle(), null, period, period);
    }

    /// <summary>Connections opened since start (fresh logins): what a test counts to see reuse.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _opened);

    /// <summary>Connections held by the pool now, in use or idle.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pooled;
            }
        }
    }

    /// <summary>
    /// A live pooled connection for the key with a free channel, or a new one from <paramref name="connect"/>.
    /// <paramref name="fresh"/> skips the pooled ones (the retry after a stale connection failed).
    /// </summary>
    public async Task<Lease> AcquireAsync(SshConnectionKey key, Func<CancellationToken, Task<TClient>> connect, bool fresh, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(connect);
        List<TClient> dead = [];
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!fresh && _entries.TryGetValue(key, out var list))
                {
                    foreach (var entry in list.ToList())
                    {
                        if (!_isAlive(entry.Client))
                        {
                            // Its channels in use fail by themselves; nobody new gets it.
                            Detach(key, entry, dead);
                            continue;
                        }
                        if (entry.Active < ChannelsPerConnection)
                        {
                            entry.Active++;
                            return new Lease(this, key, entry, reused: true);
                        }
                    }
                }
            }
        }
        finally
        {
            DisposeAll(dead);
        }

        var client = await connect(ct);
        Interlocked.Increment(ref _opened);
        var created = new Entry(client) { Active = 1 };
        lock (_lock)
        {
            if (!_disposed && _pooled < MaxConnections)
            {
                created.Pooled = true;
                _pooled++;
                if (!_entries.TryGetValue(key, out var list))
                {
                    _entries[key] = list = [];
                }
                list.Add(created);
            }
        }
        return new Lease(this, key, created, reused: false);
    }

    /// <summary>Closes connections that nobody used for the idle time, and dead ones nobody uses.</summary>
    public void CloseIdle()
    {
        List<TClient> closing = [];
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            foreach (var (key, list) in _entries.ToList())
            {
                foreach (var entry in list.ToList())
                {
                    if (entry.Active == 0 && (now - entry.LastUsed >= _idleTimeout || !_isAlive(entry.Client)))
                    {
                        Detach(key, entry, closing);
                    }
                }
            }
        }
        DisposeAll(closing);
    }

    public void Dispose()
    {
        List<TClient> closing = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var (key, list) in _entries.ToList())
            {
                foreach (var entry in list.ToList())
                {
                    Detach(key, entry, closing);
                    // A command still running on it ends with a connection error: the portal is stopping.
                    if (!entry.Closed)
                    {
                        entry.Closed = true;
                        closing.Add(entry.Client);
                    }
                }
            }
        }
        _reaper.Dispose();
        DisposeAll(closing);
    }

    private void Release(SshConnectionKey key, Entry entry, bool discard)
    {
        List<TClient> closing = [];
        lock (_lock)
        {
            entry.Active--;
            entry.LastUsed = _time.GetUtcNow();
            if (discard || _disposed || !_isAlive(entry.Client))
            {
                entry.Broken = true;
                Detach(key, entry, closing);
            }
            if (entry.Active == 0 && (!entry.Pooled || entry.Broken) && !entry.Closed)
            {
                entry.Closed = true;
                closing.Add(entry.Client);
            }
        }
        DisposeAll(closing);
    }

    /// <summary>Takes the entry out of the pool; its client goes to <paramref name="closing"/> once nobody uses it.</summary>
    private void Detach(SshConnectionKey key, Entry entry, List<TClient> closing)
    {
        if (entry.Pooled && _entries.TryGetValue(key, out var list) && list.Remove(entry))
        {
            _pooled--;
            entry.Pooled = false;
            if (list.Count == 0)
            {
                _entries.Remove(key);
            }
        }
        if (entry.Active == 0 && !entry.Closed)
        {
            entry.Closed = true;
            closing.Add(entry.Client);
        }
    }

    private static void DisposeAll(List<TClient> clients)
    {
        foreach (var client in clients)
        {
            try
            {
                client.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Closing a connection that is already broken can throw; there is nothing left to clean up.
            }
        }
    }

    internal sealed class Entry(TClient client)
    {
        public TClient Client { get; } = client;

        public int Active { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        public bool Pooled { get; set; }

        public bool Broken { get; set; }

        public bool Closed { get; set; }
    }

    /// <summary>One command's use of a connection; dispose it when the command has ended.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly SshConnectionPool<TClient> _pool;
        private readonly SshConnectionKey _key;
        private readonly Entry _entry;
        private bool _discard;
        private bool _released;

        internal Lease(SshConnectionPool<TClient> pool, SshConnectionKey key, Entry entry, bool reused)
        {
            _pool = pool;
            _key = key;
            _entry = entry;
            Reused = reused;
        }

        public TClient Client => _entry.Client;

        /// <summary>The connection served an earlier command: it may have gone stale while it waited.</summary>
        public bool Reused { get; }

        /// <summary>The connection failed: nobody gets it again, and it is closed once its last command ends.</summary>
        public void Discard() => _discard = true;

        public void Dispose()
        {
            if (_released)
            {
                return;
            }
            _released = true;
            _pool.Release(_key, _entry, _discard);
        }
    }
}
