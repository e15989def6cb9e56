using System.Security.Cryptography;

namespace DrPortal.Core.Hosts;

/// <summary>An SSH host key as the server presented it: algorithm name and public key blob.</summary>
public sealed record HostKey(string Algorithm, byte[] Blob)
{
    /// <summary>OpenSSH's notation: "SHA256:" + unpadded base64 of the SHA-256 of the key blob.</summary>
    public string Fingerprint => FingerprintOf(Blob);

    /// <summary>A line for an OpenSSH known_hosts file.</summary>
    public string KnownHostsEntry(string address, int port)
    {
        // OpenSSH writes the bare address for port 22 (IPv6 included) and "[address]:port" otherwise.
        var host = port == 22 ? address : $"[{address}]:{port}";
        return $"{host} {Algorithm} {Convert.ToBase64String(Blob)}";
    }

    public static string FingerprintOf(byte[] blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    /// <summary>Accepts "SHA256:xxx" or the bare base64 part, ignoring surrounding whitespace.</summary>
    public static string NormalizeFingerprint(string fingerprint)
    {
        var f = fingerprint.Trim();
        return f.StartsWith("SHA256:", StringComparison.Ordinal) ? f : "SHA256:" + f.TrimEnd('=');
    }
}
