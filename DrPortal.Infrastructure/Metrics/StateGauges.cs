using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Pairs;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Persistence;
using DrPortal.Infrastructure.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Prometheus;

namespace DrPortal.Infrastructure.Metrics;

/// <summary>
/// Gauges of the portal's state, read from the database when Prometheus scrapes (at most once per
/// <see cref="MetricsOptions.CacheSeconds"/>), never on a task's or a page's path: the queue, each pair's newest good
/// restore point against its RPO and its last drill, each host's last check, the repository. Pairs and hosts beyond
/// <see cref="MetricsOptions.MaxLabelledItems"/> get no series; a pair or host that is gone loses its series.
/// </summary>
public sealed class StateGauges : IDisposable
{
    private readonly IDbContextFactory<DrPortalDbContext> _dbFactory;
    private readonly IPairProtection _protection;
    private readonly ArchiveRepository _repository;
    private readonly IClock _clock;
    private readonly MetricsOptions _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;

    private readonly Gauge _queueDepth;
    private readonly Gauge _queueOldestWait;
    private readonly Gauge _pairAge;
    private readonly Gauge _pairRpo;
    private readonly Gauge _pairBreached;
    private readonly Gauge _pairDrillAge;
    private readonly Gauge _pairsOmitted;
    private readonly Gauge _hostUp;
    private readonly Gauge _hostSeenAge;
    private readonly Gauge _hostDumpFree;
    private readonly Gauge _repositoryBytes;
    private readonly Gauge _repositoryFree;

    public StateGauges(CollectorRegistry registry, IDbContextFactory<DrPortalDbContext> dbFactory, IPairProtection protection,
        ArchiveRepository repository, IClock clock, IOptions<MetricsOptions> options)
    {
        _dbFactory = dbFactory;
        _protection = protection;
        _repository = repository;
        _clock = clock;
        _options = options.Value;
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        string[] pair = ["pair_id", "pair"];
        string[] host = ["host_id", "host"];
        _queueDepth = metrics.CreateGauge(MetricNames.QueueDepth, "Tasks waiting: queued, or waiting for a busy host.");
        _queueOldestWait = metrics.CreateGauge(MetricNames.QueueOldestWait, "How long the oldest waiting task has waited, in seconds (0 when none waits).");
        _pairAge = metrics.CreateGauge(MetricNames.PairNewestGoodArchiveAge, "Age of the pair's newest verified restore point, in seconds; no series while it has none.",
            new GaugeConfiguration { LabelNames = pair });
        _pairRpo = metrics.CreateGauge(MetricNames.PairRpo, "The pair's recovery point objective, in seconds; no series when it sets none.",
            new GaugeConfiguration { LabelNames = pair });
        _pairBreached = metrics.CreateGauge(MetricNames.PairRpoBreached, "1 when the pair's newest good restore point is older than its RPO (or there is none), else 0.",
            new GaugeConfiguration { LabelNames = pair });
        _pairDrillAge = metrics.CreateGauge(MetricNames.PairLastDrillAge, "Seconds since the pair's last drill ended; no series if it was never drilled.",
            new GaugeConfiguration { LabelNames = pair });
        _pairsOmitted = metrics.CreateGauge(MetricNames.PairsOmitted, "Pairs and hosts beyond DrPortal:Metrics:MaxLabelledItems, which get no series.");
        _hostUp = metrics.CreateGauge(MetricNames.HostUp, "1 when the last background check logged in to the host, else 0.",
            new GaugeConfiguration { LabelNames = host });
        _hostSeenAge = metrics.CreateGauge(MetricNames.HostLastSeenAge, "Seconds since a check last logged in to the host; no series if none ever did.",
            new GaugeConfiguration { LabelNames = host });
        _hostDumpFree = metrics.CreateGauge(MetricNames.HostDumpFree, "Free bytes in the host's dump area at the last check.",
            new GaugeConfiguration { LabelNames = host });
        _repositoryBytes = metrics.CreateGauge(MetricNames.RepositoryBytes, "Bytes of the restore points held in the portal's repository.");
        _repositoryFree = metrics.CreateGauge(MetricNames.RepositoryFree, "Free bytes on the repository's file system.");
        registry.AddBeforeCollectCallback(RefreshAsync);
    }

    public void Dispose() => _refresh.Dispose();

    private async Task RefreshAsync(CancellationToken ct)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            var now = _clock.UtcNow;
            if (now - _refreshedAt < TimeSpan.FromSeconds(_options.CacheSeconds))
            {
                return;
            }
            await ReadAsync(now, ct);
            _refreshedAt = now;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task ReadAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var waiting = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == DrTaskStatus.Queued || t.Status == DrTaskStatus.WaitingForHost)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Oldest = g.Min(t => t.CreatedAt) })
            .FirstOrDefaultAsync(ct);
        _queueDepth.Set(waiting?.Count ?? 0);
        _queueOldestWait.Set(waiting is null ? 0 : Math.Max(0, (now - waiting.Oldest).TotalSeconds));

        var limit = Math.Max(0, _options.MaxLabelledItems);
        var pairs = await db.VmPairs.AsNoTracking().Include(p => p.SourceHypervisor).Include(p => p.TargetHypervisor)
            .OrderBy(p => p.Id).Take(limit).ToListAsync(ct);
        var pairCount = await db.VmPairs.CountAsync(ct);
        var protection = (await _protection.ListAsync(ct)).ToDictionary(p => p.PairId);
        var hosts = await db.Hypervisors.AsNoTracking().OrderBy(h => h.Id).Take(limit).ToListAsync(ct);
        var hostCount = await db.Hypervisors.CountAsync(ct);
        var repositoryBytes = await db.Archives.AsNoTracking().Where(a => a.InRepository).SumAsync(a => (long?)a.SizeBytes, ct) ?? 0;

        _pairsOmitted.Set(Math.Max(0, pairCount - pairs.Count) + Math.Max(0, hostCount - hosts.Count));
        SetPairs(pairs, protection, now);
        SetHosts(hosts, now);
        _repositoryBytes.Set(repositoryBytes);
        _repositoryFree.Set(_repository.FreeBytes(_repository.Root));
    }

    private void SetPairs(IReadOnlyList<VmPair> pairs, IReadOnlyDictionary<int, PairProtection> protection, DateTimeOffset now)
    {
        var labels = pairs.ToDictionary(p => p.Id, p => new[] { p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Describe() });
        Prune([_pairAge, _pairRpo, _pairBreached, _pairDrillAge], labels.Values);
        foreach (var pair in pairs)
        {
            var label = labels[pair.Id];
            var p = protection.GetValueOrDefault(pair.Id);
            Set(_pairAge, label, p?.NewestGoodArchiveAt is { } newest ? Math.Max(0, (now - newest).TotalSeconds) : null);
            Set(_pairRpo, label, p?.Rpo?.TotalSeconds);
            Set(_pairBreached, label, p is null || p.Status == RpoStatus.NoTarget ? null : p.Status == RpoStatus.Breached ? 1 : 0);
            Set(_pairDrillAge, label, pair.LastDrillAt is { } drill ? Math.Max(0, (now - drill).TotalSeconds) : null);
        }
    }

    private void SetHosts(IReadOnlyList<Hypervisor> hosts, DateTimeOffset now)
    {
        var labels = hosts.ToDictionary(h => h.Id, h => new[] { h.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), h.Name });
        Prune([_hostUp, _hostSeenAge, _hostDumpFree], labels.Values);
        foreach (var host in hosts)
        {
            var label = labels[host.Id];
            // A host never checked or not trusted yet has no verdict: no series rather than a false "down".
            Set(_hostUp, label, host.CheckState is HostCheckState.Unknown or HostCheckState.NotTrusted ? null : host.CheckState.IsReachable() ? 1 : 0);
            Set(_hostSeenAge, label, host.LastSeenAt is { } seen ? Math.Max(0, (now - seen).TotalSeconds) : null);
            Set(_hostDumpFree, label, host.DumpFreeBytes);
        }
    }

    private static void Set(Gauge gauge, string[] labels, double? value)
    {
        if (value is { } v)
        {
            gauge.WithLabels(labels).Set(v);
        }
        else
        {
            gauge.RemoveLabelled(labels);
        }
    }

    /// <summary>Removes the series of pairs or hosts that are gone or renamed.</summary>
    private static void Prune(IEnumerable<Gauge> gauges, IEnumerable<string[]> keep)
    {
        var wanted = keep.Select(l => string.Join('\u0001', l)).ToHashSet(StringComparer.Ordinal);
        foreach (var gauge in gauges)
        {
            foreach (var labels in gauge.GetAllLabelValues().ToList())
            {
                if (!wanted.Contains(string.Join('\u0001', labels)))
                {
                    gauge.RemoveLabelled(labels);
                }
            }
        }
    }
}
