using System.Text.Json;
using DrPortal.Core.Audit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace DrPortal.Web.Components.Pages.Audit;

public partial class AuditLogPage
{
    /// <summary>The entity types the portal records today, with the words the page shows for them.</summary>
    private static readonly (string Value, string Label)[] EntityTypes =
    [
        ("Hypervisor", "Host"),
        ("VmPair", "VM pair"),
        ("User", "User"),
        ("ApiToken", "API token"),
        ("Task", "Task"),
        ("Archive", "Archive"),
    ];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly HashSet<long> _expanded = [];
    private MudTable<AuditEntry>? _table;
    private string? _search;
    private string? _entityType;
    private bool _filtered;

    [Inject]
    private IAuditLog Audit { get; set; } = default!;

    private async Task<TableData<AuditEntry>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        _filtered = !string.IsNullOrWhiteSpace(_search) || _entityType is not null;
        var page = new Core.Audit.AuditPage(Array.Empty<AuditEntry>(), 0);
        await GuardAsync("Loading the audit log", async () =>
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, Aborted);
            try
            {
                page = await Audit.QueryAsync(new AuditQuery(_search, _entityType, state.Page * state.PageSize, state.PageSize), both.Token);
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

    private Task EntityTypeChangedAsync(string? value)
    {
        _entityType = value;
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

    private static string EntityLabel(string entityType) =>
        EntityTypes.FirstOrDefault(e => e.Value == entityType).Label ?? entityType;

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
