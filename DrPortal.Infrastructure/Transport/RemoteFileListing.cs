using System.Globalization;
using DrPortal.Core.Archives;

namespace DrPortal.Infrastructure.Transport;

/// <summary>Parses <c>find -printf '%s %T@ %f\0'</c>: size, modification time in epoch seconds, name; NUL after each.</summary>
internal static class RemoteFileListing
{
    /// <summary>The entries; a malformed one (not three fields, not numbers) is skipped rather than guessed at.</summary>
    public static IReadOnlyList<RemoteFileEntry> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var entries = new List<RemoteFileEntry>();
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split(' ', 3);
            if (parts.Length == 3 && parts[2].Length > 0
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            {
                entries.Add(new RemoteFileEntry(parts[2], size, DateTimeOffset.UnixEpoch.AddSeconds(seconds)));
            }
        }
        return entries;
    }
}
