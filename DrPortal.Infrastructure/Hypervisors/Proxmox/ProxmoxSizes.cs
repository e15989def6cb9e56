using System.Globalization;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// Sizes as Proxmox prints them: "3.2 GiB" (render_bytes), "532MB" (vzdump's format_size). Both are
/// powers of 1024 whatever the spelling, so "MB" here means MiB.
/// </summary>
internal static class ProxmoxSizes
{
    public static bool TryParse(string number, string unit, out long bytes)
    {
        bytes = 0;
        var multiplier = unit switch
        {
            "B" => 1L,
            "KiB" or "KB" => 1L << 10,
            "MiB" or "MB" => 1L << 20,
            "GiB" or "GB" => 1L << 30,
            "TiB" or "TB" => 1L << 40,
            "PiB" or "PB" => 1L << 50,
            _ => 0L,
        };
        if (multiplier == 0
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        var total = value * multiplier;
        if (total > long.MaxValue)
        {
            return false;
        }
        bytes = (long)Math.Round(total, MidpointRounding.AwayFromZero);
        return true;
    }

    /// <summary>Splits "532MB" or "3.2 GiB" into number and unit, then parses.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }
        bytes = 0;
        return split > 0 && TryParse(trimmed[..split], trimmed[split..].TrimStart(), out bytes);
    }
}
