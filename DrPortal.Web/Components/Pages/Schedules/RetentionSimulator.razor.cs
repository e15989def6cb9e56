using DrPortal.Core.Archives;
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

    /// <summary>
    /// The number of the chain a point belongs to, counted over the chains with an incremental in them, oldest base first;
    /// null for a full point nothing builds on.
    /// </summary>
    private int? ChainNumber(Archive point)
    {
        if (_decisions is null)
        {
            return null;
        }
        var root = RootOf(point.Id);
        var roots = _decisions.Where(d => d.Archive.ParentArchiveId is not null)
            .Select(d => RootOf(d.Archive.Id)).Distinct()
            .OrderBy(id => _decisions.First(d => d.Archive.Id == id).Archive.CreatedAt).ToList();
        var index = roots.IndexOf(root);
        return index < 0 ? null : index + 1;
    }

    /// <summary>The oldest point of a chain among those shown (its full point, unless that one is gone).</summary>
    private long RootOf(long id)
    {
        var shown = _decisions!.Select(d => d.Archive).ToList();
        return ArchiveChain.Of(shown.First(a => a.Id == id), shown).Points[0].Id;
    }

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
