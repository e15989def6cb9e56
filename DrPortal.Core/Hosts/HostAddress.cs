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
