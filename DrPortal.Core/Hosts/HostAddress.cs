using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace DrPortal.Core.Hosts;

/// <summary>Where a hypervisor is reached: an IPv4 or IPv6 literal or a DNS name (RFC 1123 labels).</summary>
public static partial class HostAddress
{
    public const int MaxLength = 253;

    [GeneratedRegex("^(?=.{1,253}\\z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\z")]
    private static partial Regex DnsName();

    public static bool IsValid(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "Address is required.";
            return false;
        }
        if (value.Length > MaxLength)
        {
            error = $"Address must be at most {MaxLength} characters.";
            return false;
        }
        if (value.Contains(':', StringComparison.Ordinal))
        {
            // Only IPv6 literals contain ':'. IPAddress.TryParse also takes brackets, ports and zone ids
            // ("[::1]:22", "fe80::1%eth0"); ssh would not, so only hex digits, ':' and '.' are let through.
            if (value.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
                && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (v6.Equals(IPAddress.IPv6Any) || v6.IsIPv6Multicast)
                {
                    error = "Address must be one host's IPv6 address, not :: (any) or a multicast address.";
                    return false;
                }
                return true;
            }
            error = "Address is not a valid IPv6 address.";
            return false;
        }
        if (value.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            var parts = value.Split('.');
            if (parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255))
            {
                // ssh reads a leading zero as octal (010.0.0.1 is 8.0.0.1), so "01" is refused rather than guessed.
                if (parts.Any(p => p.Length > 1 && p[0] == '0'))
                {
                    error = "Address must not have leading zeros in an IPv4 part (ssh would read 010 as octal 8).";
                    return false;
                }
                var v4 = IPAddress.Parse(value);
                var isMulticast = v4.GetAddressBytes()[0] is >= 224 and <= 239;
                if (v4.Equals(IPAddress.Any) || v4.Equals(IPAddress.Broadcast) || isMulticast)
                {
                    error = "Address must be one host's IPv4 address, not 0.0.0.0, 255.255.255.255 or a multicast address.";
                    return false;
                }
                return true;
            }
            error = "Address is not a valid IPv4 address.";
            return false;
        }
        if (DnsName().IsMatch(value))
        {
            return true;
        }
        error = "Address must be an IPv4 address, an IPv6 address or a DNS name (letters, digits, '-' and '.').";
        return false;
    }
}
