using System.Globalization;
using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// What a Proxmox CLI tool left on stderr: a task's "Task finished with N warning(s)!", and the messages
/// of commands that failed (a die message, or a "400 Parameter verification failed." block).
/// </summary>
internal sealed partial record ProxmoxStandardError(int TaskWarnings, IReadOnlyList<string> Messages)
{
    [GeneratedRegex(@"^Task finished with (?<n>[0-9]+) warning\(s\)!\z")]
    private static partial Regex TaskWarningsPattern();

    public static ProxmoxStandardError Read(string? standardError)
    {
        var warnings = 0;
        var messages = new List<string>();
        foreach (var raw in (standardError ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (TaskWarningsPattern().Match(line) is { Success: true } m)
            {
                warnings = Math.Max(warnings, int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0);
            }
            else
            {
                messages.Add(line);
            }
        }
        return new ProxmoxStandardError(warnings, messages);
    }

    /// <summary>
    /// The message to show for a refused command: the first line, and for a parameter error also the line
    /// that names the parameter ("400 Parameter verification failed." alone says nothing).
    /// </summary>
    public static string Summary(IReadOnlyList<string> messages)
    {
        if (messages.Count == 0)
        {
            return "";
        }
        return messages[0].StartsWith("400 Parameter verification failed", StringComparison.Ordinal) && messages.Count > 1
            ? $"{messages[0]} {messages[1]}"
            : messages[0];
    }
}
