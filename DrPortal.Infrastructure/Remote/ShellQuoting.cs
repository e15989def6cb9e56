using System.Text;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Remote;

/// <summary>The one place where arguments become a POSIX shell line.</summary>
public static class ShellQuoting
{
    /// <summary>
    /// Quotes one argument for a POSIX shell: safe words stay as they are, everything else is wrapped
    /// in single quotes with embedded single quotes written as '\''. NUL cannot be represented and is refused.
    /// </summary>
    public static string Quote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        if (argument.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell argument cannot contain NUL.", nameof(argument));
        }
        if (argument.Length > 0 && argument.All(IsSafe))
        {
            return argument;
        }
        var sb = new StringBuilder(argument.Length + 2);
        sb.Append('\'');
        foreach (var c in argument)
        {
            if (c == '\'')
            {
                sb.Append("'\\''");
            }
            else
            {
                sb.Append(c);
            }
        }
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Joins a command into a shell line; only this function turns values into shell text.</summary>
    public static string ToShellLine(RemoteCommand command) =>
        string.Join(' ', new[] { command.Program }.Concat(command.Arguments).Select(Quote));

    private static bool IsSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ',' or ':' or '=' or '+' or '@' or '%';
}
