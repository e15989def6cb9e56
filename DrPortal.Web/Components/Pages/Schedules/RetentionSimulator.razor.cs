using DrPortal.Core.Archives;
using DrPortal.Core.Schedules;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace DrPortal.Web.Components.Pages.Schedules;

public partial class RetentionSimulator
{
    private IReadOnlyList<RetentionDecision>? _decisions;
    private Dictionary<long, int> _chainNumbers = [];
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
            _chainNumbers = ChainNumbers(_decisions);
            _shownFor = result.IsOk ? asked : null;
        });
        _running = false;
    }

    /// <summary>
    /// The number of the chain each shown point belongs to, counted over the chains with an incremental in them, oldest
    /// base first; a full point nothing builds on has none. Made once per preview, not per row.
    /// </summary>
    private static Dictionary<long, int> ChainNumbers(IReadOnlyList<RetentionDecision>? decisions)
    {
        if (decisions is null)
        {
            return [];
        }
        var shown = decisions.Select(d => d.Archive).ToList();
        // The oldest point of each chain among those shown (its full point, unless that one is gone).
        var rootOf = shown.ToDictionary(a => a.Id, a => ArchiveChain.Of(a, shown).Points[0]);
        var roots = shown.Where(a => a.ParentArchiveId is not null).Select(a => rootOf[a.Id]).DistinctBy(r => r.Id)
            .OrderBy(r => r.CreatedAt).Select(r => r.Id).ToList();
        return rootOf.Where(p => roots.Contains(p.Value.Id)).ToDictionary(p => p.Key, p => roots.IndexOf(p.Value.Id) + 1);
    }

    private int? ChainNumber(Archive point) => _chainNumbers.TryGetValue(point.Id, out var number) ? number : null;

    private string LabelOf(long archiveId) =>
        _decisions?.FirstOrDefault(d => d.Archive.Id == archiveId)?.Archive.Label ?? $"#{archiveId} (not in the repository)";

    /// <summary>The point a "base of X" reason names, so the row can link to it; null for other reasons.</summary>
    private Archive? BaseOf(string reason)
    {
        const string prefix = "base of ";
        if (!reason.StartsWith(prefix, StringComparison.Ordinal) || _decisions is null)
        {
            return null;
        }
        var label = reason[prefix.Length..];
        return _decisions.FirstOrDefault(d => d.Archive.Label == label)?.Archive;
    }

    private sealed record Inputs(int? PairId, RetentionPolicy Policy, string? TimeZone);
}
