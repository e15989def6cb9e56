using DrPortal.Core.Schedules;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Schedules;

public partial class RetentionSimulator
{
    private IReadOnlyList<RetentionDecision>? _decisions;
    private Inputs? _shownFor;
    private string? _failure;
    private bool _running;

    [Inject]
    private IRetentionPreview Retention { get; set; } = default!;

    [Parameter, EditorRequired]
    public int? PairId { get; set; }

    [Parameter, EditorRequired]
    public RetentionPolicy Policy { get; set; } = RetentionPolicy.None;

    /// <summary>The schedule's zone: days, weeks and months are counted in it.</summary>
    [Parameter]
    public string? TimeZone { get; set; }

    private Inputs Current => new(PairId, Policy, TimeZone);

    /// <summary>The form moved on since the list was made: it no longer shows what saving would do.</summary>
    private bool IsStale => _shownFor is not null && _shownFor != Current;

    private TimeZoneInfo ShownZone => ScheduleDisplay.Zone(_shownFor?.TimeZone) ?? TimeZoneInfo.Utc;

    private async Task RunAsync()
    {
        if (PairId is not { } pairId)
        {
            return;
        }
        _running = true;
        var asked = Current;
        await GuardAsync("Previewing the retention", async () =>
        {
            var result = await Retention.PreviewAsync(pairId, asked.Policy, asked.TimeZone, Aborted);
            _failure = result.IsOk ? null : Display.Refusal(result);
            _decisions = result.Value;
            _shownFor = result.IsOk ? asked : null;
        });
        _running = false;
    }

    private sealed record Inputs(int? PairId, RetentionPolicy Policy, string? TimeZone);
}
