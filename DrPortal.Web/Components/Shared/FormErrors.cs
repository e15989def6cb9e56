using DrPortal.Core.Common;

namespace DrPortal.Web.Components.Shared;

/// <summary>
/// The store's validation errors for one form, looked up by input property name. Stores key errors by
/// property name ("Address") or in camel case ("userName"), so lookups ignore case.
/// </summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.OrdinalIgnoreCase);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>
    /// Every message for the field in one text, or null; suited to MudBlazor's ErrorText. All of them at once, so a user
    /// does not fix one rule only to be told the next.
    /// </summary>
    public string? this[string field] => _errors.TryGetValue(field, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Clear() => _errors.Clear();

    /// <summary>Forgets a field's error once the user edits it.</summary>
    public void Clear(string field) => _errors.Remove(field);

    public void Set(ValidationErrors? errors)
    {
        _errors.Clear();
        if (errors is null)
        {
            return;
        }
        foreach (var (field, messages) in errors.ToDictionary())
        {
            _errors[field] = messages;
        }
    }

    /// <summary>Messages for fields the form does not show, so they can go in a general alert instead of being lost.</summary>
    public IEnumerable<string> NotShownIn(params string[] shownFields) =>
        _errors.Where(e => !shownFields.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(e => e.Value);
}
