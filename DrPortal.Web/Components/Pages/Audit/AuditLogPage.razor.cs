using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DrPortal.Core.Audit;
using DrPortal.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Audit;

public partial class AuditLogPage
{
    /// <summary>The entity types the portal records today, with the words the page shows for them.</summary>
    private static readonly (string Value, string Label)[] EntityTypes =
    [
        (SignInEvent.EntityType, "Sign-in"),
        ("Hypervisor", "Host"),
        ("VmPair", "VM pair"),
        ("Schedule", "Schedule"),
        ("Task", "Task"),
        ("Archive", "Archive"),
        ("User", "User"),
        ("ApiToken", "API token"),
    ];

    // Readable as stored ("+00:00", "→"); shown as text, which Blazor encodes, so nothing here is ever markup.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HashSet<long> _expanded = [];
    private MudTable<AuditEntry>? _table;
    private string? _search;
    private string? _user;
    private string? _entityType;
    private DateTime? _fromDay;
    private DateTime? _toDay;
    private bool _filtered;

    [Inject]
    private IAuditLog Audit { get; set; } = default!;

    /// <summary>The filter as the API reads it; the same query the table shows.</summary>
    private AuditQuery Query(int skip, int take)
    {
        var (from, to) = Bounds(_fromDay, _toDay);
        return new AuditQuery(_search, _entityType, skip, take, _user, from, to, HideSecurity: !User.SeesSecurityAudit());
    }

    /// <summary>Whole days in the portal's time zone (the one times are shown in): from the first day's start to the end of the last.</summary>
    internal static (DateTimeOffset? From, DateTimeOffset? To) Bounds(DateTime? fromDay, DateTime? toDay)
    {
        static DateTimeOffset Midnight(DateTime day) => new(day.Date, TimeZoneInfo.Local.GetUtcOffset(day.Date));
        return (fromDay is { } start ? Midnight(start) : null, toDay is { } end ? Midnight(end.AddDays(1)) : null);
    }

    private string ExportUrl
    {
        get
        {
            var q = Query(0, 0);
            var parts = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    parts.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }
            Add("search", q.Search);
            Add("user", q.Actor);
            Add("type", q.EntityType);
            Add("from", q.From?.ToString("o", CultureInfo.InvariantCulture));
            Add("to", q.To?.ToString("o", CultureInfo.InvariantCulture));
            return "api/v1/audit/export.csv" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
        }
    }

    private async Task<TableData<AuditEntry>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        _filtered = !string.IsNullOrWhiteSpace(_search) || !string.IsNullOrWhiteSpace(_user) || _entityType is not null || _fromDay is not null || _toDay is not null;
        var page = new Core.Audit.AuditPage(Array.Empty<AuditEntry>(), 0);
        await GuardAsync("Loading the audit log", async () =>
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, Aborted);
            try
            {
                page = await Audit.QueryAsync(Query(state.Page * state.PageSize, state.PageSize), both.Token);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // A newer search replaced this one while it ran.
            }
        });
        return new TableData<AuditEntry> { Items = page.Items, TotalItems = page.Total };
    }

    private Task SearchChangedAsync(string? value)
    {
        _search = string.IsNullOrWhiteSpace(value) ? null : value;
        return RefreshAsync();
    }

    private Task UserChangedAsync(string? value)
    {
        _user = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return RefreshAsync();
    }

    private Task EntityTypeChangedAsync(string? value)
    {
        _entityType = value;
        return RefreshAsync();
    }

    private Task FromChangedAsync(DateTime? value)
    {
        _fromDay = value;
        return RefreshAsync();
    }

    private Task ToChangedAsync(DateTime? value)
    {
        _toDay = value;
        return RefreshAsync();
    }

    private Task RefreshAsync()
    {
        _expanded.Clear();
        return _table?.ReloadServerData() ?? Task.CompletedTask;
    }

    private void Toggle(long id)
    {
        if (!_expanded.Remove(id))
        {
            _expanded.Add(id);
        }
    }

    private static string EntityLabel(AuditEntry entry)
    {
        var label = EntityTypes.FirstOrDefault(e => e.Value == entry.EntityType).Label ?? entry.EntityType;
        // Users are named by their user name; numbered things by their number.
        return entry.EntityId switch
        {
            null => label,
            var id when entry.EntityType == "User" => $"{label} {id}",
            var id => $"{label} #{id}",
        };
    }

    /// <summary>Indents the stored snapshot for reading; anything that is not JSON is shown as stored.</summary>
    private static string PrettyJson(string? json)
    {
        if (json is null)
        {
            return "—";
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
