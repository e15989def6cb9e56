using System.Globalization;
using System.Text;

namespace DrPortal.Core.Audit;

/// <summary>
/// Audit entries as CSV (RFC 4180) for spreadsheets. A field holding a comma, a quote or a line break is quoted; a
/// field a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with
/// an apostrophe so it stays text (OWASP "CSV injection").
/// </summary>
public static class AuditCsv
{
    public static readonly string[] Header = ["Id", "At (UTC)", "Actor", "Action", "Entity", "Entity id", "Summary", "Before", "After"];

    public static string HeaderLine() => string.Join(',', Header.Select(Field)) + "\r\n";

    public static string Line(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Join(',',
        [
            Field(entry.Id.ToString(CultureInfo.InvariantCulture)),
            Field(entry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            Field(entry.Actor),
            Field(entry.Action),
            Field(entry.EntityType),
            Field(entry.EntityId),
            Field(entry.Summary),
            Field(entry.Before),
            Field(entry.After),
        ]) + "\r\n";
    }

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return value;
        }
        var quoted = new StringBuilder(value.Length + 8).Append('"');
        quoted.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return quoted.Append('"').ToString();
    }
}
