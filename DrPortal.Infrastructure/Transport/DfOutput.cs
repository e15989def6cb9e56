using System.Globalization;

namespace DrPortal.Infrastructure.Transport;

/// <summary>`df -P -B1 DIR` (POSIX format, bytes): a header, then one line whose fourth field is the available bytes.</summary>
public static class DfOutput
{
    /// <returns>The available bytes, or null when the output holds no data line.</returns>
    public static long? AvailableBytes(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in output.Split('\n').Skip(1).Reverse())
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 6 && long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var available))
            {
                return available;
            }
        }
        return null;
    }
}
