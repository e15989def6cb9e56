using Prometheus;

namespace DrPortal.Infrastructure.Metrics;

/// <summary>
/// The portal's own metrics registry (one per application, so portals sharing a process, as in the tests, do not
/// share counters), with every collector on it created: /metrics exports this.
/// </summary>
public sealed class PortalMetrics(CollectorRegistry registry, TaskMetrics tasks, StateGauges gauges)
{
    public CollectorRegistry Registry => registry;

    /// <summary>Taken here so every collector exists (each registers itself when made) before the first scrape.</summary>
    public TaskMetrics Tasks => tasks;

    public StateGauges Gauges => gauges;

    /// <summary>Writes every metric in Prometheus text format 0.0.4.</summary>
    public Task ExportAsync(Stream destination, CancellationToken ct) => registry.CollectAndExportAsTextAsync(destination, ExpositionFormat.PrometheusText, ct);
}
