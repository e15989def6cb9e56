using DrPortal.Core.Coverage;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Dashboard;

/// <summary>
/// The coverage report on the dashboard. While the hosts' VMs are being listed in the background it looks again every
/// <see cref="PollInterval"/>; it never waits for a host itself.
/// </summary>
public partial class CoveragePanel
{
    private const int MaxShown = 5;

    /// <summary>How often to look again while a listing runs.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    private CoverageReport? _report;
    private bool _polling;

    [Inject]
    private ICoverageQuery Coverage { get; set; } = default!;

    private sealed record Section(string Title, string Test, string Empty, IReadOnlyList<string> Items);

    private static IEnumerable<Section> Sections(CoverageReport r) =>
    [
        new("Unprotected VMs", "coverage-unprotected", "Every VM on the primary hosts is in a pair.",
            r.Unprotected.Select(v => v.Vm == v.Name ? $"{v.HostName}/{v.Vm}" : $"{v.HostName}/{v.Vm} ({v.Name})").ToList()),
        new("Without a schedule", "coverage-unscheduled", "Every pair has a schedule.", r.WithoutSchedule.Select(p => p.Label).ToList()),
        new("Breaching their RPO", "coverage-breaching", "No pair breaches its RPO.", r.BreachingRpo.Select(p => p.Label).ToList()),
        new("Never drilled", "coverage-undrilled", "Every pair passed a drill.", r.NeverDrilled.Select(p => p.Label).ToList()),
    ];

    private string ListedCaption => _report switch
    {
        null => "",
        { Listing: true } => "listing the hosts' VMs…",
        { VmsListedAt: { } at } => $"VMs listed {DisplayTime.When(at, Zone)}",
        _ => "VMs not listed yet",
    };

    protected override Task LoadAsync() => LoadReportAsync(refresh: false);

    private Task RefreshAsync() => LoadReportAsync(refresh: true);

    private async Task LoadReportAsync(bool refresh)
    {
        await GuardAsync("Loading the coverage", async () => _report = await Coverage.GetAsync(refresh, Aborted));
        if (_report is { Listing: true } && !_polling)
        {
            // Not awaited: the page renders now and shows what the background listing found when it ends.
            _ = InvokeAsync(PollAsync);
        }
    }

    private async Task PollAsync()
    {
        _polling = true;
        try
        {
            while (_report is { Listing: true } && !Aborted.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, Aborted);
                await GuardAsync("Loading the coverage", async () => _report = await Coverage.GetAsync(false, Aborted));
                StateHasChanged();
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
        finally
        {
            _polling = false;
        }
    }
}
