using System.Security.Cryptography;
using System.Text;
using DrPortal.Infrastructure.Metrics;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace DrPortal.Web.Security;

/// <summary>
/// Who may read /metrics: a client from "DrPortal:Metrics:AllowedNetworks" (loopback by default), or any client that
/// sends "Authorization: Bearer &lt;DrPortal:Metrics:Token&gt;". Only the token's SHA-256 is kept, and hashes are
/// compared in constant time, so neither the token's length nor its prefix leaks through the answer's timing.
/// </summary>
internal sealed class MetricsAccess
{
    private const string BearerPrefix = "Bearer ";

    private readonly IReadOnlyList<IPNetwork> _networks;
    private readonly byte[]? _tokenHash;

    public MetricsAccess(IOptions<MetricsOptions> options)
    {
        (_networks, _tokenHash) = Parse(options.Value);
    }

    /// <summary>Reads the settings; a malformed network or hash throws, naming the setting (the portal then does not start).</summary>
    internal static (IReadOnlyList<IPNetwork> Networks, byte[]? TokenHash) Parse(MetricsOptions options)
    {
        var networks = NetworkList.Parse([options.AllowedNetworks], $"{MetricsOptions.Section}:AllowedNetworks");
        byte[]? hash = null;
        if (!string.IsNullOrEmpty(options.TokenSha256))
        {
            try
            {
                hash = Convert.FromHexString(options.TokenSha256.Trim());
            }
            catch (FormatException)
            {
                hash = null;
            }
            if (hash is not { Length: SHA256.HashSizeInBytes })
            {
                throw new InvalidOperationException($"{MetricsOptions.Section}:TokenSha256 must be the 64 hex digits of the token's SHA-256 (e.g. from `printf %s TOKEN | sha256sum`).");
            }
        }
        if (!string.IsNullOrEmpty(options.Token))
        {
            if (hash is not null)
            {
                throw new InvalidOperationException($"{MetricsOptions.Section}: set Token or TokenSha256, not both.");
            }
            if (options.Token.Length < 16)
            {
                throw new InvalidOperationException($"{MetricsOptions.Section}:Token must have at least 16 characters.");
            }
            hash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));
        }
        return (networks, hash);
    }

    public bool TokenConfigured => _tokenHash is not null;

    public bool Allows(HttpContext context)
    {
        if (NetworkList.Contains(_networks, context.Connection.RemoteIpAddress))
        {
            return true;
        }
        if (_tokenHash is null)
        {
            return false;
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[BearerPrefix.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
