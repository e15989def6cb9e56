using System.Globalization;
using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// `qm config` output: sorted `key: value` lines. Pure; the parts the portal needs are a VM's identity and its NICs.
/// </summary>
public sealed partial class ProxmoxVmConfig
{
    private readonly Dictionary<string, string> _values;

    private ProxmoxVmConfig(Dictionary<string, string> values) => _values = values;

    public static ProxmoxVmConfig Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 || !KeyShape().IsMatch(line[..colon]))
            {
                continue;
            }
            values[line[..colon]] = line[(colon + 2)..].Trim();
        }
        return new ProxmoxVmConfig(values);
    }

    public string? this[string key] => _values.GetValueOrDefault(key);

    /// <summary>
    /// The identity of this VM instance: its vmgenid, which qmrestore regenerates on every restore (unless it is 0), so
    /// a VM someone recreated at the same VMID never carries the replica's; else the SMBIOS UUID; else null.
    /// </summary>
    public string? Identity =>
        this["vmgenid"] is { Length: > 0 } genid && genid != "0" ? "vmgenid:" + genid.ToLowerInvariant()
        : SmbiosUuid() is { } uuid ? "smbios1:" + uuid
        : null;

    /// <summary>The NICs (net0, net1, ...) in index order, each with its property string.</summary>
    public IReadOnlyList<(int Index, ProxmoxNic Nic)> Nics =>
        _values.Where(kv => NetKey().IsMatch(kv.Key))
            .Select(kv => (Index: int.Parse(kv.Key.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture), Nic: ProxmoxNic.Parse(kv.Value)))
            .OrderBy(n => n.Index).ToList();

    private string? SmbiosUuid() =>
        this["smbios1"]?.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "uuid")?[1].ToLowerInvariant();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*\z")]
    private static partial Regex KeyShape();

    [GeneratedRegex(@"^net[0-9]{1,2}\z")]
    private static partial Regex NetKey();
}
