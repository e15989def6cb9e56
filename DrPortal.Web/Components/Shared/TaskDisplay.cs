using DrPortal.Core.Tasks;
using MudBlazor;

namespace DrPortal.Web.Components.Shared;

/// <summary>How tasks, their statuses and stages look on every page: words, colours, icons and derived figures.</summary>
internal static class TaskDisplay
{
    public static string StatusLabel(DrTaskStatus status) => status switch
    {
        DrTaskStatus.Queued => "queued",
        DrTaskStatus.Running => "running",
        DrTaskStatus.WaitingForHost => "waiting for host",
        DrTaskStatus.WaitingForTurn => "waiting for its group",
        DrTaskStatus.Succeeded => "succeeded",
        DrTaskStatus.SucceededWithWarnings => "succeeded with warnings",
        DrTaskStatus.Failed => "failed",
        DrTaskStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };

    public static Color StatusColor(DrTaskStatus status) => status switch
    {
        DrTaskStatus.Queued => Color.Default,
        DrTaskStatus.Running => Color.Info,
        DrTaskStatus.WaitingForHost or DrTaskStatus.WaitingForTurn => Color.Secondary,
        DrTaskStatus.Succeeded => Color.Success,
        DrTaskStatus.SucceededWithWarnings => Color.Warning,
        DrTaskStatus.Failed => Color.Error,
        DrTaskStatus.Cancelled => Color.Dark,
        _ => Color.Default,
    };

    public static string StatusIcon(DrTaskStatus status) => status switch
    {
        DrTaskStatus.Queued => Icons.Material.Filled.Schedule,
        DrTaskStatus.Running => Icons.Material.Filled.Autorenew,
        DrTaskStatus.WaitingForHost or DrTaskStatus.WaitingForTurn => Icons.Material.Filled.HourglassTop,
        DrTaskStatus.Succeeded => Icons.Material.Filled.CheckCircle,
        DrTaskStatus.SucceededWithWarnings => Icons.Material.Filled.Warning,
        DrTaskStatus.Failed => Icons.Material.Filled.Error,
        DrTaskStatus.Cancelled => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Filled.Help,
    };

    public static string StageStatusLabel(StageStatus status) => status switch
    {
        StageStatus.SucceededWithWarnings => "succeeded with warnings",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static Color StageStatusColor(StageStatus status) => status switch
    {
        StageStatus.Running => Color.Info,
        StageStatus.Succeeded => Color.Success,
        StageStatus.SucceededWithWarnings => Color.Warning,
        StageStatus.Failed => Color.Error,
        StageStatus.Cancelled => Color.Dark,
        _ => Color.Default,
    };

    public static string StageStatusIcon(StageStatus status) => status switch
    {
        StageStatus.Pending => Icons.Material.Outlined.Circle,
        StageStatus.Running => Icons.Material.Filled.Autorenew,
        StageStatus.Succeeded => Icons.Material.Filled.CheckCircle,
        StageStatus.SucceededWithWarnings => Icons.Material.Filled.Warning,
        StageStatus.Failed => Icons.Material.Filled.Error,
        StageStatus.Skipped => Icons.Material.Filled.RemoveCircleOutline,
        StageStatus.Cancelled => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Filled.Help,
    };

    public static string KindIcon(DrTaskKind kind) => kind switch
    {
        DrTaskKind.Backup => Icons.Material.Filled.Backup,
        DrTaskKind.Restore => Icons.Material.Filled.SettingsBackupRestore,
        DrTaskKind.Replicate => Icons.Material.Filled.SyncAlt,
        DrTaskKind.Drill => Icons.Material.Filled.Science,
        DrTaskKind.PlannedFailover or DrTaskKind.DisasterFailover => Icons.Material.Filled.FlightTakeoff,
        DrTaskKind.Failback => Icons.Material.Filled.FlightLand,
        _ => Icons.Material.Filled.Help,
    };

    /// <summary>Whether the task still holds a runner or waits for one: the states Cancel applies to.</summary>
    public static bool IsActive(DrTaskStatus status) => !status.IsFinished();

    /// <summary>"12 MiB of 32 MiB", "12 MiB" without a total, or a dash before any byte moved.</summary>
    public static string BytesProgress(long bytesDone, long? bytesTotal) =>
        bytesTotal is { } total and > 0 ? $"{Display.Bytes(bytesDone)} of {Display.Bytes(total)}"
        : bytesDone > 0 ? Display.Bytes(bytesDone)
        : "—";

    /// <summary>How long the task has run: until it finished, or until now while it runs; null before it started.</summary>
    public static TimeSpan? Elapsed(DrTask task, DateTimeOffset now) =>
        task.StartedAt is { } started ? (task.FinishedAt ?? now) - started : null;

    public static string KindVerb(DrTaskKind kind) => kind switch
    {
        DrTaskKind.Backup => "backup",
        DrTaskKind.Restore => "restore",
        DrTaskKind.Replicate => "replication",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Applies a live update to a task row already on screen (the fields the feed carries).</summary>
    public static void Apply(DrTask task, TaskUpdate update)
    {
        task.Status = update.Status;
        task.CurrentStage = update.Stage;
        task.Percent = update.Percent;
        task.BytesDone = update.BytesDone;
        task.BytesTotal = update.BytesTotal;
        task.Throughput = update.Throughput;
        task.Verifying = update.Verifying;
    }
}
