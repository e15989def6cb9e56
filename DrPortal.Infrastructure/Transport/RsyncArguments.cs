using System.Globalization;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;

namespace DrPortal.Infrastructure.Transport;

/// <summary>How rsync reaches a host: the portal's key, the known_hosts file written from pinned keys, limits.</summary>
public sealed record RsyncOptions
{
    /// <summary>The portal's private key (a file: the system ssh client reads it).</summary>
    public required string PrivateKeyPath { get; init; }

    /// <summary>A known_hosts file holding only the pinned keys; no other file is consulted.</summary>
    public required string KnownHostsPath { get; init; }

    /// <summary>rsync's --bwlimit in KiB/s, or null for no limit.</summary>
    public int? BandwidthLimitKiBps { get; init; }

    /// <summary>How long ssh may take to connect.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// rsync's --timeout: how long no data may move before rsync gives up (exit 30). Generous, because
    /// resuming a large partial file first checksums it on the receiver.
    /// </summary>
    public TimeSpan IoTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>ssh keep-alive: a cut link is noticed after about ServerAliveInterval × 4.</summary>
    public TimeSpan ServerAliveInterval { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Builds the argument list of the local rsync process (given to ProcessStartInfo.ArgumentList, never
/// joined into a shell line) for moving one archive file between the portal and a host.
/// <list type="bullet">
/// <item><c>--partial-dir=.rsync-partial</c>: an interrupted transfer keeps what arrived in a hidden
/// directory beside the destination and the next run resumes from it with the delta algorithm; the
/// destination name appears only by rename when the file is complete. Plain <c>--partial</c> would leave a
/// truncated file under the real archive name, where a listing or a restore could take it for a good copy;
/// <c>--inplace</c> would overwrite a previous good copy while writing (and rsync refuses it with --partial-dir).</item>
/// <item><c>--secluded-args</c> (spelt <c>-s</c>, its oldest and most portable name; once <c>--protect-args</c>):
/// file names travel inside the rsync protocol, so the remote shell never sees or splits them.
/// Paths are also restricted to safe characters (<see cref="HostPath"/>), so they are safe even without it.</item>
/// <item>ssh with <c>-F none</c> (no user or system config can change the options below),
/// <c>BatchMode=yes</c> (never a password prompt), <c>IdentitiesOnly=yes</c> with the portal key,
/// <c>StrictHostKeyChecking=yes</c> against a known_hosts file of pinned keys only
/// (<c>GlobalKnownHostsFile=/dev/null</c>, <c>UpdateHostKeys=no</c>), a connect timeout and keep-alives so a
/// cut link ends the run instead of hanging it; AES-GCM preferred (<see cref="CipherPreference"/>) and no ssh compression
/// (archives are compressed already; compressing them again costs CPU for nothing).</item>
/// <item><c>--times</c> so a finished copy is recognised and skipped when a task is run again;
/// <c>--info=progress2</c> for <see cref="RsyncProgressParser"/>; no <c>-h</c>, so byte counts stay exact.</item>
/// </list>
/// </summary>
public static class RsyncArguments
{
    public const string Program = "rsync";

    /// <summary>Where rsync keeps an unfinished file, relative to the destination's directory.</summary>
    public const string PartialDirectoryName = ".rsync-partial";

    public const int MaxBandwidthLimitKiBps = 1 << 30;

    /// <summary>
    /// OpenSSH's default ciphers with the AES-GCM ones first: with AES-NI (every x86 server CPU of the last decade) they move
    /// 2-3× the bytes per core of chacha20-poly1305, OpenSSH's first choice, which was the limit of a fast hop. A host
    /// without them still agrees on chacha20 or AES-CTR: the list only reorders what any OpenSSH offers.
    /// </summary>
    public const string CipherPreference =
        "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr";

    /// <summary>Portal file → host file (the Push stage; the Pull streams through ssh, see <see cref="StreamedPull"/>).</summary>
    /// <exception cref="ArgumentException">A bad path, endpoint or option.</exception>
    public static IReadOnlyList<string> Push(string localFile, SshEndpoint target, string remoteFile, RsyncOptions options) =>
        Build(target, options, HostPath.Require(localFile, nameof(localFile)), RemoteSpec(target, remoteFile));

    /// <summary>"user@host:/path", with an IPv6 literal in brackets ("root@[fd00::11]:/path") so its colons are not read as the path separator.</summary>
    public static string RemoteSpec(SshEndpoint endpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        CheckEndpoint(endpoint);
        var host = endpoint.Address.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Address}]" : endpoint.Address;
        return $"{endpoint.User}@{host}:{HostPath.Require(path, nameof(path))}";
    }

    /// <summary>The value of rsync's -e option. rsync splits it on spaces itself, which is why every part must be a safe word.</summary>
    public static string SshCommand(SshEndpoint endpoint, RsyncOptions options) => string.Join(' ', SshArguments(endpoint, options));

    /// <summary>
    /// The system ssh client running one remote shell line on the host, with the same options as rsync's transport:
    /// program first, then its arguments (for ProcessStartInfo.ArgumentList, never a local shell).
    /// </summary>
    public static IReadOnlyList<string> SshExec(SshEndpoint endpoint, RsyncOptions options, string remoteLine)
    {
        ArgumentException.ThrowIfNullOrEmpty(remoteLine);
        return [.. SshArguments(endpoint, options), "-l", endpoint.User, "--", endpoint.Address, remoteLine];
    }

    private static string[] SshArguments(SshEndpoint endpoint, RsyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        CheckEndpoint(endpoint);
        string[] parts =
        [
            "ssh", "-F", "none",
            "-i", HostPath.Require(options.PrivateKeyPath, nameof(options.PrivateKeyPath)),
            "-p", endpoint.Port.ToString(CultureInfo.InvariantCulture),
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=" + HostPath.Require(options.KnownHostsPath, nameof(options.KnownHostsPath)),
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "UpdateHostKeys=no",
            "-o", "ConnectTimeout=" + Seconds(options.ConnectTimeout, nameof(options.ConnectTimeout)),
            "-o", "ServerAliveInterval=" + Seconds(options.ServerAliveInterval, nameof(options.ServerAliveInterval)),
            "-o", "ServerAliveCountMax=4",
            "-o", "Ciphers=" + CipherPreference,
            "-o", "Compression=no",
        ];
        return parts;
    }

    /// <summary>Where an interrupted transfer to <paramref name="destinationFile"/> left its data; a cancelled task removes it.</summary>
    public static string PartialFilePath(string destinationFile)
    {
        HostPath.Require(destinationFile, nameof(destinationFile));
        var slash = destinationFile.LastIndexOf('/');
        return $"{destinationFile[..(slash + 1)]}{PartialDirectoryName}/{destinationFile[(slash + 1)..]}";
    }

    private static List<string> Build(SshEndpoint endpoint, RsyncOptions options, string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(options);
        var arguments = new List<string>
        {
            "--partial-dir=" + PartialDirectoryName,
            "--times",
            "-s",
            "--info=progress2",
            "--timeout=" + Seconds(options.IoTimeout, nameof(options.IoTimeout)),
        };
        if (options.BandwidthLimitKiBps is { } limit)
        {
            arguments.Add(limit is >= 1 and <= MaxBandwidthLimitKiBps
                ? "--bwlimit=" + limit.ToString(CultureInfo.InvariantCulture)
                : throw new ArgumentOutOfRangeException(nameof(options), limit, $"A bandwidth limit is 1 to {MaxBandwidthLimitKiBps} KiB/s."));
        }
        arguments.Add("-e");
        arguments.Add(SshCommand(endpoint, options));
        // Both operands start with '/' or a validated user name, never '-'; "--" says so to rsync as well.
        arguments.Add("--");
        arguments.Add(source);
        arguments.Add(destination);
        return arguments;
    }

    private static void CheckEndpoint(SshEndpoint endpoint)
    {
        // HostAddress's patterns end in '$', which also matches before a final newline: refuse control characters first.
        if (endpoint.Address is null || TextRules.HasControlCharacters(endpoint.Address) || !HostAddress.IsValid(endpoint.Address, out var error))
        {
            throw new ArgumentException($"'{endpoint.Address}' is not a host address.", nameof(endpoint));
        }
        if (endpoint.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"SSH port {endpoint.Port} is not 1 to 65535.", nameof(endpoint));
        }
        if (endpoint.User is null || !TextRules.UnixUser().IsMatch(endpoint.User) || endpoint.User.EndsWith('\n'))
        {
            throw new ArgumentException($"'{endpoint.User}' is not a Unix user name.", nameof(endpoint));
        }
        if (endpoint.PinnedHostKey is null)
        {
            // StrictHostKeyChecking would refuse the host anyway; saying why here is clearer than ssh's message.
            throw new ArgumentException($"The host key of {endpoint.Address} is not pinned; an admin must trust it before archives move.", nameof(endpoint));
        }
    }

    private static string Seconds(TimeSpan value, string parameterName) =>
        value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(1)
            ? ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(parameterName, value, "A timeout is 1 second to 1 day.");
}
