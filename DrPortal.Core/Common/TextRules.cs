using System.Text.RegularExpressions;

namespace DrPortal.Core.Common;

/// <summary>
/// Shapes of the short identifiers users type. They are deliberately narrow: a name never contains
/// whitespace, quotes or shell/SQL metacharacters, so a mistake is caught at the form, not in a shell.
/// </summary>
public static partial class TextRules
{
    public const int NameMaxLength = 63;
    public const int NoteMaxLength = 500;

    /// <summary>Display names of hosts: letters, digits, dot, dash, underscore; starts with a letter or digit.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\\z")]
    public static partial Regex Name();

    /// <summary>POSIX user names as accepted by Debian's adduser default NAME_REGEX.</summary>
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}\\z")]
    public static partial Regex UnixUser();

    /// <summary>Absolute paths made of safe characters; no "..", no doubled or trailing slash.</summary>
    [GeneratedRegex("^(/[A-Za-z0-9._-]+)+\\z")]
    public static partial Regex AbsolutePath();

    /// <summary>An absolute path of safe characters, at most 255 long, with no "." or ".." segment.</summary>
    public static bool IsSafeAbsolutePath(string? path) =>
        path is { Length: <= 255 } && AbsolutePath().IsMatch(path) && !path.Split('/').Any(p => p is "." or "..");

    public static bool HasControlCharacters(string value) => value.Any(char.IsControl);

    /// <summary>
    /// Bidi embedding/override/isolate controls and zero-width characters: they make a text read differently
    /// from what it contains (a right-to-left override turns "exe.txt" around), so notes refuse them.
    /// </summary>
    public static bool HasInvisibleFormatting(string value) =>
        value.Any(c => c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' or '\u061C'
            or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));

    /// <summary>The text cut to at most <paramref name="max"/> characters for a column of that size, an ellipsis marking the cut.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Shorten(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..(max - 1)] + "…";

    public static void RequireName(ValidationErrors errors, string field, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{what} is required.");
        }
        else if (value.Length > NameMaxLength)
        {
            errors.Add(field, $"{what} must be at most {NameMaxLength} characters.");
        }
        else if (!Name().IsMatch(value))
        {
            errors.Add(field, $"{what} may contain only letters, digits, '.', '-' and '_', and must start with a letter or digit.");
        }
    }

    public static void OptionalNote(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length > NoteMaxLength)
        {
            errors.Add(field, $"Note must be at most {NoteMaxLength} characters.");
        }
        else if (value.Any(c => char.IsControl(c) && c != '\n' && c != '\r' && c != '\t'))
        {
            errors.Add(field, "Note must not contain control characters.");
        }
        else if (HasInvisibleFormatting(value))
        {
            errors.Add(field, "Note must not contain bidirectional override/isolate or zero-width characters.");
        }
    }
}
