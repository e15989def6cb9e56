using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DrPortal.Core.Notifications;

/// <summary>
/// Fills <c>{{field}}</c> placeholders of a webhook body. In a JSON template (one that starts with <c>{</c> or <c>[</c>,
/// not with a placeholder)
/// each value is JSON-escaped, so a reason with quotes or line breaks cannot break the document; unknown fields become empty.
/// </summary>
public static partial class NotificationTemplate
{
    /// <summary>The fields a template may use.</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["title", "summary", "message", "kind", "severity", "priority", "reason", "pair", "host", "link", "details", "occurredAt"];

    public static bool IsJson(string template)
    {
        var start = template.TrimStart();
        return (start.StartsWith('{') && !start.StartsWith("{{", StringComparison.Ordinal)) || start.StartsWith('[');
    }

    public static string Render(string template, IReadOnlyDictionary<string, string> fields)
    {
        var json = IsJson(template);
        return Placeholder().Replace(template, m =>
        {
            var value = fields.TryGetValue(m.Groups[1].Value, out var v) ? v : "";
            return json ? JsonEscape(value) : value;
        });
    }

    /// <summary>The value as it goes between the quotes of a JSON string.</summary>
    public static string JsonEscape(string value)
    {
        var quoted = JsonSerializer.Serialize(value, EscapeOptions);
        return quoted[1..^1];
    }

    private static readonly JsonSerializerOptions EscapeOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Placeholders the template names that no event has, for validation.</summary>
    public static IReadOnlyList<string> UnknownFields(string template)
    {
        var unknown = new List<string>();
        foreach (Match m in Placeholder().Matches(template))
        {
            if (!Fields.Contains(m.Groups[1].Value) && !unknown.Contains(m.Groups[1].Value))
            {
                unknown.Add(m.Groups[1].Value);
            }
        }
        return unknown;
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();

    internal static string Lines(IEnumerable<string> lines) => new StringBuilder().AppendJoin('\n', lines).ToString();
}
