using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>
/// The name of a bridge a Proxmox NIC joins (`vmbr0`, an OVS bridge, an SDN vnet): a Linux interface name of at most
/// 15 characters from letters, digits, '.', '-' and '_', not starting with '-' or '.'. Stricter than qemu-server's
/// `pve-bridge-id`, so it can never carry a property separator (',' '=') or an option into `qm set --netN`.
/// </summary>
public readonly partial record struct ProxmoxBridge
{
    public const string ErrorMessage =
        "A bridge is a Linux interface name: 1 to 15 letters, digits, '.', '-' or '_', not starting with '-' or '.'.";

    public string Name { get; }

    private ProxmoxBridge(string name) => Name = name;

    public static bool TryParse([NotNullWhen(true)] string? text, out ProxmoxBridge bridge)
    {
        bridge = default;
        if (text is null || !Shape().IsMatch(text))
        {
            return false;
        }
        bridge = new ProxmoxBridge(text);
        return true;
    }

    /// <exception cref="ArgumentException">Not a bridge name.</exception>
    public static ProxmoxBridge Parse(string? text, string parameterName) =>
        TryParse(text, out var bridge) ? bridge : throw new ArgumentException($"'{text}' is not a bridge name. {ErrorMessage}", parameterName);

    public override string ToString() => Name ?? "";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}\z")]
    private static partial Regex Shape();
}
