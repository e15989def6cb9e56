using System.Globalization;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>Reads <c>virsh domjobinfo [--completed]</c>: "Key:   value" lines, sizes as "12.500 MiB".</summary>
public static class DomJobInfoParser
{
    /// <summary>Null when the text holds no "Job type:" line (not domjobinfo's output).</summary>
    public static DomJobInfo? Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? type = null, operation = null, error = null;
        long? processed = null, total = null, dataProcessed = null, dataTotal = null;
        foreach (var raw in output.Split('\n'))
        {
            if (!TrySplit(raw, out var key, out var value))
            {
                continue;
            }
            switch (key)
            {
                case "Job type":
                    type = value;
                    break;
                case "Operation":
                    operation = value;
                    break;
                case "File processed":
                    processed = Size(value);
                    break;
                case "File total":
                    total = Size(value);
                    break;
                case "Data processed":
                    dataProcessed = Size(value);
                    break;
                case "Data total":
                    dataTotal = Size(value);
                    break;
                case "Error message":
                    error = value;
                    break;
                default:
                    break;
            }
        }
        return type is null ? null : new DomJobInfo(type, operation, processed ?? dataProcessed, total ?? dataTotal, error);
    }

    /// <summary>"Key:   value" with the key before the first colon.</summary>
    public static bool TrySplit(string line, out string key, out string value)
    {
        ArgumentNullException.ThrowIfNull(line);
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            (key, value) = ("", "");
            return false;
        }
        key = line[..colon].Trim();
        value = line[(colon + 1)..].Trim();
        return key.Length > 0;
    }

    /// <summary>virsh's pretty capacity ("64.000 MiB", "512 B") in bytes; null when it is not one.</summary>
    public static long? Size(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 || !double.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }
        var unit = parts.Length == 2 ? parts[1] : "B";
        var factor = unit switch
        {
            "B" or "bytes" => 1d,
            "KiB" => 1024d,
            "MiB" => 1024d * 1024,
            "GiB" => 1024d * 1024 * 1024,
            "TiB" => 1024d * 1024 * 1024 * 1024,
            "PiB" => 1024d * 1024 * 1024 * 1024 * 1024,
            _ => double.NaN,
        };
        return double.IsNaN(factor) ? null : (long)Math.Round(number * factor);
    }
}
