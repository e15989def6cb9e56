using DrPortal.Core.Common;
using DrPortal.Core.Pairs;
using DrPortal.Core.Schedules;
using DrPortal.Web.Auth;
using DrPortal.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Schedules;

public partial class ScheduleDialog
{
    /// <summary>How many upcoming runs the dialog shows.</summary>
    public const int PreviewCount = 5;

    private const string DefaultDailyAt = "02:00";

    private static readonly (string Cron, string Words)[] CronExamples =
    [
        ("30 2 * * *", "daily 02:30"),
        ("0 */6 * * *", "every 6 hours"),
        ("15 1 * * 1-5", "weekdays 01:15"),
        ("0 3 * * 0", "Sundays 03:00"),
        ("0 4 1 * *", "1st of the month 04:00"),
    ];

    private static readonly string[] Fields =
    [
        nameof(ScheduleInput.VmPairId), nameof(ScheduleInput.Kind), nameof(ScheduleInput.DailyAt), nameof(ScheduleInput.Cron),
        nameof(ScheduleInput.TimeZone), nameof(ScheduleInput.Note), .. RetentionFields.FieldsOf(nameof(ScheduleInput.Retention)),
    ];

    private readonly FormErrors _errors = new();
    private ScheduleInput _input = new();
    private RetentionPolicy _policy = RetentionPolicy.None;
    private IReadOnlyList<DateTimeOffset> _upcoming = [];
    private List<VmPair> _pairs = [];
    private int? _pairId;
    private string? _failure;
    private bool _loading = true;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    private IScheduleStore Store { get; set; } = default!;

    [Inject]
    private IVmPairStore Pairs { get; set; } = default!;

    [Inject]
    private IClock Clock { get; set; } = default!;

    /// <summary>The schedule to edit; null adds a new one.</summary>
    [Parameter]
    public Schedule? Schedule { get; set; }

    /// <summary>The pair a new schedule starts with (the list's filter), if any.</summary>
    [Parameter]
    public int? PairId { get; set; }

    protected override async Task LoadAsync()
    {
        if (Schedule is not null)
        {
            _input = ScheduleInput.From(Schedule);
            _policy = Schedule.Retention;
            _pairId = Schedule.VmPairId;
        }
        else
        {
            _input = new ScheduleInput { DailyAt = DefaultDailyAt, TimeZone = ScheduleInput.ServerTimeZoneId() };
        }
        Preview();
        try
        {
            _pairs = [.. (await Pairs.ListAsync(Aborted)).OrderBy(p => p.Describe(), StringComparer.Ordinal)];
            _pairId ??= PairId ?? (_pairs.Count == 1 ? _pairs[0].Id : null);
        }
        finally
        {
            _loading = false;
        }
    }

    private ScheduleInput Current() => _input with { VmPairId = _pairId ?? 0, Retention = _policy };

    private string PairLabel(int? id) => id is null ? "" : _pairs.FirstOrDefault(p => p.Id == id)?.Describe() ?? $"pair #{id}";

    private void Changed(string field)
    {
        _errors.Clear(field);
        Preview();
    }

    /// <summary>
    /// The store's preview checks every field but the pair (as saving does), so its messages go inline as the user types;
    /// a pair message from the last save stays until the pair is changed.
    /// </summary>
    private void Preview()
    {
        var result = Store.Preview(Current(), PreviewCount);
        _upcoming = result.IsOk ? result.Value! : [];
        var errors = new ValidationErrors();
        foreach (var (field, messages) in result.Errors?.ToDictionary() ?? new Dictionary<string, string[]>())
        {
            Array.ForEach(messages, m => errors.Add(field, m));
        }
        if (_errors[nameof(ScheduleInput.VmPairId)] is { } pairError)
        {
            errors.Add(nameof(ScheduleInput.VmPairId), pairError);
        }
        _errors.Set(errors);
    }

    private void TimingChanged(ScheduleTiming timing)
    {
        _input.Timing = timing;
        // Switching keeps the time the user had: 02:30 becomes "30 2 * * *" and back only when the other field is empty.
        if (timing == ScheduleTiming.Cron && string.IsNullOrWhiteSpace(_input.Cron))
        {
            _input.Cron = _errors.Has(nameof(ScheduleInput.DailyAt)) || string.IsNullOrWhiteSpace(_input.DailyAt)
                ? CronExamples[0].Cron
                : Core.Schedules.Schedule.DailyCron(_input.DailyAt.Trim());
        }
        else if (timing == ScheduleTiming.Daily && string.IsNullOrWhiteSpace(_input.DailyAt))
        {
            _input.DailyAt = DefaultDailyAt;
        }
        Changed(nameof(ScheduleInput.Timing));
    }

    private void UseCron(string cron)
    {
        _input.Cron = cron;
        Changed(nameof(ScheduleInput.Cron));
    }

    private void RetentionChanged(RetentionPolicy policy)
    {
        _policy = policy;
        Preview();
    }

    private Task<IEnumerable<string>> SearchZonesAsync(string? text, CancellationToken ct) => Task.FromResult(TimeZoneChoices.Search(text));

    private async Task SaveAsync()
    {
        if (!User.CanOperate())
        {
            _failure = "Viewers cannot change schedules.";
            return;
        }
        _saving = true;
        _failure = null;
        var input = Current();
        _failure = await SaveFormAsync("Saving the schedule", Dialog, _errors, async () => Schedule is null
                ? await Store.CreateAsync(input, User.ActorName(), Aborted)
                : await Store.UpdateAsync(Schedule.Id, input, User.ActorName(), Aborted));
        _saving = false;
    }
}
