using System.Globalization;
using DrPortal.Core.Tasks;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace DrPortal.Web.Components.Pages.Tasks;

/// <summary>
/// A task's log: read from the database by line id, so nothing is missed or shown twice, and followed once a second
/// while the task runs (log lines reach the database in half-second batches).
/// </summary>
public partial class TaskLog
{
    /// <summary>How many lines stay in the page; older ones are dropped so a long log cannot slow the browser.</summary>
    public const int MaxLines = 2000;

    private const int BatchSize = 1000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>After the task finished, polls this many times more: the last lines reach the database just after the final status.</summary>
    private const int PollsAfterFinish = 3;

    private readonly LinkedList<DrTaskLogLine> _lines = new();
    private ElementReference _element;
    private long _lastId;
    private long _dropped;
    private bool _loaded;
    private bool _appended;

    [Parameter, EditorRequired]
    public long TaskId { get; set; }

    /// <summary>Whether the task is still running; the log is polled while it is, and a few times after.</summary>
    [Parameter]
    public bool Active { get; set; }

    /// <summary>
    /// Each line with its time in the user's zone: the first line, and the first of each new day, carry the ISO date too,
    /// so a bare time never leaves the day to guess and the rest stay short.
    /// </summary>
    private IEnumerable<(DrTaskLogLine Line, string Stamp)> Stamped()
    {
        string? day = null;
        foreach (var line in _lines)
        {
            var local = TimeZoneInfo.ConvertTime(line.At, Zone);
            var lineDay = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var time = local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            yield return (line, lineDay == day ? time : $"{lineDay} {time}");
            day = lineDay;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            // Only in the interactive circuit: a prerendered page is never followed.
            await JsAsync("drPortal.watchLog");
            _ = GuardAsync("Reading the task log", FollowAsync);
        }
        if (_appended)
        {
            _appended = false;
            await JsAsync("drPortal.followLog");
        }
    }

    private async Task FollowAsync()
    {
        var pollsLeft = PollsAfterFinish;
        while (!Aborted.IsCancellationRequested)
        {
            var lines = await Tasks.ReadLogAsync(TaskId, _lastId, BatchSize, Aborted);
            Append(lines);
            if (lines.Count > 0 || !_loaded)
            {
                _loaded = true;
                await InvokeAsync(StateHasChanged);
            }
            if (lines.Count == BatchSize)
            {
                continue;
            }
            if (!Active && --pollsLeft < 0)
            {
                return;
            }
            await Task.Delay(PollInterval, Aborted);
        }
    }

    private void Append(IReadOnlyList<DrTaskLogLine> lines)
    {
        foreach (var line in lines)
        {
            _lines.AddLast(line);
            _lastId = line.Id;
        }
        while (_lines.Count > MaxLines)
        {
            _lines.RemoveFirst();
            _dropped++;
        }
        _appended |= lines.Count > 0;
    }

    private async Task JsAsync(string function)
    {
        try
        {
            await JS.InvokeVoidAsync(function, _element);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            // Following the log is a convenience; the lines are there without it.
        }
    }

    [Inject]
    private ITaskService Tasks { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;
}
