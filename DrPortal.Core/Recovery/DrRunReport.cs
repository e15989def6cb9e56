using System.Globalization;
using System.Text;
using DrPortal.Core.Tasks;

namespace DrPortal.Core.Recovery;

/// <summary>What a run did, per VM: the data age (RPO), the time to running and to passing the check (RTO), the checks, the errors.</summary>
public sealed record DrRunReport(DrRun Run, IReadOnlyList<DrRunReportRow> Rows)
{
    public static readonly string[] Header =
        ["Task", "Pair", "Group", "VM", "Status", "Data age (s)", "Time to running (s)", "Time to check (s)", "Check", "Error"];

    public static DrRunReport Of(DrRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var start = run.StartedAt ?? run.CreatedAt;
        var titles = run.Groups.ToDictionary(g => g.Position, g => g.Title);
        var rows = run.Tasks.OrderBy(t => t.RunGroupPosition).ThenBy(t => t.Id).Select(t => new DrRunReportRow(
            t.Id, t.VmPairId, t.PairLabel, t.RunGroupPosition ?? 0, titles.GetValueOrDefault(t.RunGroupPosition ?? 0) ?? "",
            t.Kind == DrTaskKind.Drill ? t.ScratchVm : null, t.Status,
            // A point made after the run began (a planned failover's or a failback's last copy) lost nothing.
            t.PointCreatedAt is { } made ? (made > start ? TimeSpan.Zero : start - made) : null,
            t.RunningAt is { } running ? running - start : null,
            t.CheckPassedAt is { } passed ? passed - start : null,
            t.CheckResult, t.Error)).ToList();
        return new DrRunReport(run, rows);
    }

    /// <summary>RFC 4180 CSV, with formula-looking fields kept as text (as the audit export does).</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Header.Select(Audit.AuditCsv.Field))).Append("\r\n");
        foreach (var r in Rows)
        {
            csv.Append(string.Join(',', new[]
            {
                r.TaskId.ToString(CultureInfo.InvariantCulture), r.Pair, (r.Group + 1).ToString(CultureInfo.InvariantCulture), r.Vm ?? "",
                r.Status.ToString(), Seconds(r.DataAge), Seconds(r.TimeToRunning), Seconds(r.TimeToCheck), r.CheckResult ?? "", r.Error ?? "",
            }.Select(Audit.AuditCsv.Field))).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "";
}
