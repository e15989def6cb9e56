using DrPortal.Core.Tasks;
using Prometheus;

namespace DrPortal.Infrastructure.Metrics;

/// <summary>
/// What finished tasks add up to: counts by kind and outcome, stage durations, bytes moved and the rate they moved at.
/// Recorded once per task when it ends (see TaskOutcomes); labels are enum names, so their number is fixed.
/// </summary>
public sealed class TaskMetrics
{
    private readonly Counter _finished;
    private readonly Histogram _stageSeconds;
    private readonly Counter _bytes;
    private readonly Histogram _throughput;

    public TaskMetrics(CollectorRegistry registry)
    {
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _finished = metrics.CreateCounter(MetricNames.TasksFinished, "Tasks that ended, by kind and outcome.",
            new CounterConfiguration { LabelNames = ["kind", "outcome"] });
        _stageSeconds = metrics.CreateHistogram(MetricNames.StageDuration, "How long the last attempt of each finished stage took.",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.5, 2, 14) });
        _bytes = metrics.CreateCounter(MetricNames.TransferBytes, "Bytes of restore points moved by the transfer stages (Pull: host to repository, Push: repository to host).",
            new CounterConfiguration { LabelNames = ["stage"] });
        _throughput = metrics.CreateHistogram(MetricNames.TransferThroughput, "Average rate of each transfer stage, in bytes per second.",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(1 << 20, 2, 12) });
    }

    /// <param name="pointBytes">The size of the task's restore point, when it has one.</param>
    public void Record(DrTask task, IEnumerable<DrTaskStage> stages, long? pointBytes)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(stages);
        _finished.WithLabels(task.Kind.ToString(), task.Status.ToString()).Inc();
        foreach (var stage in stages)
        {
            if (stage.Status is StageStatus.Skipped or StageStatus.Pending || stage.Duration is not { } duration)
            {
                continue;
            }
            var name = stage.Name.ToString();
            _stageSeconds.WithLabels(name).Observe(Math.Max(0, duration.TotalSeconds));
            if (stage.Name is StageName.Pull or StageName.Push && stage.Status.IsDone() && pointBytes is > 0 and { } bytes)
            {
                _bytes.WithLabels(name).Inc(bytes);
                if (duration > TimeSpan.Zero)
                {
                    _throughput.WithLabels(name).Observe(bytes / duration.TotalSeconds);
                }
            }
        }
    }
}
