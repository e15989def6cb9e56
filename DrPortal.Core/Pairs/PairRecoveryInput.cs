using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DrPortal.Core.Common;
using DrPortal.Core.Hypervisors;

namespace DrPortal.Core.Pairs;

/// <summary>What a user submits for a pair's recovery: its two network mappings and its boot check.</summary>
public sealed partial record PairRecoveryInput
{
    /// <summary>Where each NIC goes when the pair fails over; an empty list keeps the networks the restored VM names.</summary>
    public List<NicMapping>? FailoverNetwork { get; set; }

    /// <summary>Where each NIC goes in a drill; a NIC not listed gets its link down and a new MAC.</summary>
    public List<NicMapping>? DrillNetwork { get; set; }

    public BootCheck? BootCheck { get; set; }

    public const int MaxNics = 32;

    public static PairRecoveryInput From(VmPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new() { FailoverNetwork = [.. pair.FailoverNetwork], DrillNetwork = [.. pair.DrillNetwork], BootCheck = pair.BootCheck };
    }

    /// <summary>
    /// Checks the shapes. Networks are named as a host names them; whether they exist on the recovery host is checked
    /// against its list (<see cref="CheckNetworks"/>). A boot-check command runs on the recovery host as the portal's
    /// user, so only an admin may set or change one.
    /// </summary>
    public ValidationErrors Validate(bool actorIsAdmin, BootCheck? current)
    {
        var errors = new ValidationErrors();
        CheckMapping(errors, "failoverNetwork", FailoverNetwork ?? []);
        CheckMapping(errors, "drillNetwork", DrillNetwork ?? []);
        var check = BootCheck ?? Pairs.BootCheck.Default;
        if (check.StableSeconds is < 0 or > Pairs.BootCheck.MaxStableSeconds)
        {
            errors.Add("bootCheck.stableSeconds", $"Between 0 and {Pairs.BootCheck.MaxStableSeconds} seconds.");
        }
        if (check.TimeoutSeconds is < Pairs.BootCheck.MinTimeoutSeconds or > Pairs.BootCheck.MaxTimeoutSeconds)
        {
            errors.Add("bootCheck.timeoutSeconds", $"Between {Pairs.BootCheck.MinTimeoutSeconds} and {Pairs.BootCheck.MaxTimeoutSeconds} seconds.");
        }
        else if (check.TimeoutSeconds <= check.StableSeconds)
        {
            errors.Add("bootCheck.timeoutSeconds", "Must be longer than the time the VM has to stay running.");
        }
        if ((check.TcpAddress is null) != (check.TcpPort is null))
        {
            errors.Add(check.TcpAddress is null ? "bootCheck.tcpAddress" : "bootCheck.tcpPort", "Give both the address and the port of the TCP check, or neither.");
        }
        if (check.TcpAddress is not null && (!IPAddress.TryParse(check.TcpAddress, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
                                              || ip.ToString() != check.TcpAddress))
        {
            errors.Add("bootCheck.tcpAddress", $"'{check.TcpAddress}' is not an IPv4 address such as 10.0.0.5.");
        }
        if (check.TcpPort is < 1 or > 65535)
        {
            errors.Add("bootCheck.tcpPort", "A TCP port is 1..65535.");
        }
        if (check.Command is { } command)
        {
            if (command.Length > Pairs.BootCheck.CommandMaxLength || string.IsNullOrWhiteSpace(command) || command.Any(c => char.IsControl(c) && c != '\t'))
            {
                errors.Add("bootCheck.command", $"One line of at most {Pairs.BootCheck.CommandMaxLength} characters, no control characters.");
            }
        }
        if (!actorIsAdmin && check.Command != current?.Command)
        {
            errors.Add("bootCheck.command", "Only an admin may set or change the boot-check command: it runs on the recovery host.");
        }
        return errors;
    }

    /// <summary>Every network the mappings name must exist on the recovery host; a drill NIC with its link up must be on an isolated one.</summary>
    public void CheckNetworks(ValidationErrors errors, IReadOnlyList<HostNetwork> networks, string hostName)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(networks);
        foreach (var (field, mapping, drill) in new[] { ("failoverNetwork", FailoverNetwork ?? [], false), ("drillNetwork", DrillNetwork ?? [], true) })
        {
            for (var i = 0; i < mapping.Count; i++)
            {
                if (NetworkProblem(mapping[i], networks, hostName, drill) is { } problem)
                {
                    errors.Add($"{field}[{i}].network", problem);
                }
            }
        }
    }

    /// <summary>Why a NIC's mapping cannot be applied on a host with these networks, or null when it can.</summary>
    public static string? NetworkProblem(NicMapping nic, IReadOnlyList<HostNetwork> networks, string hostName, bool drill)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentNullException.ThrowIfNull(networks);
        if (nic.Network is { } name && networks.All(n => n.Name != name))
        {
            return $"{nic.Nic}: network '{name}' does not exist on {hostName}; it has {Names(networks)}.";
        }
        if (drill && nic.LinkUp)
        {
            // A drill copy answers with the primary's addresses: with its link up it may only join a network with no way out.
            if (nic.Network is null)
            {
                return $"{nic.Nic}: a drill NIC with its link up must name an isolated network ({Names(networks.Where(n => n.Isolated).ToList())}), not keep the production one.";
            }
            if (networks.FirstOrDefault(n => n.Name == nic.Network) is { Isolated: false })
            {
                return $"{nic.Nic}: '{nic.Network}' on {hostName} has an uplink; a drill NIC with its link up may only join an isolated network ({Names(networks.Where(n => n.Isolated).ToList())}).";
            }
        }
        return null;
    }

    private static string Names(IReadOnlyList<HostNetwork> networks) =>
        networks.Count == 0 ? "none" : string.Join(", ", networks.Select(n => n.Name));

    private static void CheckMapping(ValidationErrors errors, string field, List<NicMapping> mapping)
    {
        if (mapping.Count > MaxNics)
        {
            errors.Add(field, $"At most {MaxNics} NICs.");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mapping.Count; i++)
        {
            var nic = mapping[i];
            var at = $"{field}[{i}]";
            if (nic is null)
            {
                errors.Add(at, "Missing.");
                continue;
            }
            if (nic.Nic is null || !NicId().IsMatch(nic.Nic) || int.Parse(nic.Nic.AsSpan(3), CultureInfo.InvariantCulture) >= MaxNics)
            {
                errors.Add($"{at}.nic", $"'{nic.Nic}' is not a NIC name: net0 .. net{MaxNics - 1}.");
            }
            else if (!seen.Add(nic.Nic))
            {
                errors.Add($"{at}.nic", $"{nic.Nic} is mapped twice.");
            }
            if (nic.Network is not null && !NetworkName().IsMatch(nic.Network))
            {
                errors.Add($"{at}.network", $"'{nic.Network}' is not a network name (letters, digits, . _ - :, at most 64).");
            }
            if (nic.VlanTag is < 1 or > NicMapping.MaxVlanTag)
            {
                errors.Add($"{at}.vlanTag", $"A VLAN tag is 1..{NicMapping.MaxVlanTag}.");
            }
            if (!Enum.IsDefined(nic.Mac))
            {
                errors.Add($"{at}.mac", "Keep or New.");
            }
        }
    }

    [GeneratedRegex(@"^net(0|[1-9][0-9]?)\z")]
    private static partial Regex NicId();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\z")]
    private static partial Regex NetworkName();
}
