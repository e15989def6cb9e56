using DrPortal.Core.Recovery;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Plans;

/// <summary>How drills, failovers and failbacks look on the plans, run and report pages.</summary>
internal static class RunDisplay
{
    public static string KindLabel(DrRunKind kind) => kind switch
    {
        DrRunKind.Drill => "Drill",
        DrRunKind.PlannedFailover => "Planned failover",
        DrRunKind.DisasterFailover => "Disaster failover",
        DrRunKind.Failback => "Failback",
        _ => kind.ToString(),
    };

    public static string KindIcon(DrRunKind kind) => kind switch
    {
        DrRunKind.Drill => Icons.Material.Filled.Science,
        DrRunKind.Failback => Icons.Material.Filled.FlightLand,
        _ => Icons.Material.Filled.FlightTakeoff,
    };

    public static string StatusLabel(DrRunStatus status) => status switch
    {
        DrRunStatus.PartlySucceeded => "partly succeeded",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static Color StatusColor(DrRunStatus status) => status switch
    {
        DrRunStatus.Running => Color.Info,
        DrRunStatus.Succeeded => Color.Success,
        DrRunStatus.PartlySucceeded => Color.Warning,
        DrRunStatus.Failed => Color.Error,
        DrRunStatus.Cancelled => Color.Dark,
        _ => Color.Default,
    };

    public static string StatusIcon(DrRunStatus status) => status switch
    {
        DrRunStatus.Queued => Icons.Material.Filled.Schedule,
        DrRunStatus.Running => Icons.Material.Filled.Autorenew,
        DrRunStatus.Succeeded => Icons.Material.Filled.CheckCircle,
        DrRunStatus.PartlySucceeded => Icons.Material.Filled.Warning,
        DrRunStatus.Failed => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.Cancel,
    };

    /// <summary>Seconds with one decimal below a minute, else the portal's usual duration words; a dash when not measured.</summary>
    public static string Span(TimeSpan? span) => span switch
    {
        null => "—",
        { TotalSeconds: < 60 } s => $"{s.TotalSeconds:0.0} s",
        { } s => Shared.Display.Duration(s),
    };
}
