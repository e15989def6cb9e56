using System.Globalization;
using System.Text;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>
/// A drill's scratch domain name: "drill-" and the hint with every character a domain name may not hold turned into
/// '-', at most <see cref="VmRef.MaxLength"/> characters, and unique against what is taken ("-2", "-3", ... added, the
/// hint shortened to make room). Compared without case: two names that differ only in case would still share a log
/// file on a case-insensitive mount, and people read them as one.
/// </summary>
public static class LibvirtScratchName
{
    public const string Prefix = "drill-";

    /// <exception cref="InvalidOperationException">No free name (every suffix up to 10 000 is taken).</exception>
    public static string Make(string? hint, IEnumerable<string> taken)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var used = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        var cleaned = Clean(hint ?? "");
        var stem = cleaned.Length > 0 ? Prefix + cleaned : Prefix.TrimEnd('-');
        for (var n = 1; n <= 10_000; n++)
        {
            var suffix = n == 1 ? "" : "-" + n.ToString(CultureInfo.InvariantCulture);
            var name = (stem.Length + suffix.Length > VmRef.MaxLength ? stem[..(VmRef.MaxLength - suffix.Length)] : stem) + suffix;
            if (!used.Contains(name))
            {
                return name;
            }
        }
        throw new InvalidOperationException($"No free scratch domain name for '{hint}': {Prefix}... up to -10000 are all taken.");
    }

    /// <summary>Letters and digits of ASCII, '.', '_', '+' and '-' stay; a run of anything else becomes one '-'.</summary>
    private static string Clean(string hint)
    {
        var text = new StringBuilder();
        foreach (var c in hint)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '+' or '-';
            if (ok)
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }
        return text.ToString().Trim('-');
    }
}
