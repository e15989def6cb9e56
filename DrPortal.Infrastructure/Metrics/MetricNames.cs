namespace DrPortal.Infrastructure.Metrics;

/// <summary>The names /metrics exports; docs/prometheus-alerts.yml and docs/grafana-dashboard.json use them.</summary>
public static class MetricNames
{
    public const string TasksFinished = "drportal_tasks_finished_total";
    public const string StageDuration = "drportal_task_stage_duration_seconds";
    public const string TransferBytes = "drportal_transfer_bytes_total";
    public const string TransferThroughput = "drportal_transfer_throughput_bytes_per_second";
    public const string QueueDepth = "drportal_queue_depth";
    public const string QueueOldestWait = "drportal_queue_oldest_wait_seconds";
    public const string PairNewestGoodArchiveAge = "drportal_pair_newest_good_archive_age_seconds";
    public const string PairRpo = "drportal_pair_rpo_seconds";
    public const string PairRpoBreached = "drportal_pair_rpo_breached";
    public const string PairLastDrillAge = "drportal_pair_last_drill_age_seconds";
    public const string PairsOmitted = "drportal_pairs_omitted";
    public const string HostUp = "drportal_host_up";
    public const string HostLastSeenAge = "drportal_host_last_seen_age_seconds";
    public const string HostDumpFree = "drportal_host_dump_free_bytes";
    public const string RepositoryBytes = "drportal_repository_bytes";
    public const string RepositoryFree = "drportal_repository_free_bytes";
}
