using System.Diagnostics;
using System.Text;
using DrPortal.Core.Accounts;
using DrPortal.Core.Archives;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DrPortal.Infrastructure.Transport;

/// <summary>
/// Archive transfer with the system rsync over the system ssh client: the portal's key, a known_hosts file
/// written from the host's pinned key (StrictHostKeyChecking=yes), resumable partial data, progress from
/// --info=progress2. Checks and removals on hosts go through the SSH shell.
/// </summary>
internal sealed class RsyncTransport(IPortalKey portalKey, IRemoteShell shell, IOptions<DrPortalOptions> options, ILogger<RsyncTransport> logger)
    : IArchiveTransport
{
    public const string PartialDirName = RsyncArguments.PartialDirectoryName;

    // OpenSSL's SHA-256 uses the CPU's SHA instructions where it has them (about 3× coreutils' sha256sum here); every
    // Proxmox VE host has it, and sha256sum stands in where it is missing. Both print "<hex> ..." first.
    private const string Sha256Script =
        "[ -f \"$1\" ] || exit 3; if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r \"$1\"; else sha256sum -- \"$1\"; fi";

    // A file a relay delivered whole gets its real name (see StreamedPull).
    private const string PromoteScript =
        "f=\"${1%/*}/" + PartialDirName + "/${1##*/}\"; [ -f \"$f\" ] || exit 3; mv -f -- \"$f\" \"$1\"";

    // The file, its kept partial data, and rsync's temporary files (".name.XXXXXX") beside it.
    private const string RemoveScript =
        "for f in \"$@\"; do rm -f -- \"$f\" \"${f%/*}/" + PartialDirName + "/${f##*/}\" \"${f%/*}/.${f##*/}.\"??????; done";

    // NUL-separated, so no file name (newlines included) can pass for another entry.
    private const string ListScript = "[ -d \"$1\" ] || exit 0; find \"$1\" -mindepth 1 -maxdepth 1 -type f -printf '%s %T@ %f\\0'";

    private const string FreeSpaceScript = "df -P -B1 -- \"$1\"";

    /// <summary>A stream, not rsync: see <see cref="StreamedPull"/>. rsync's delta search has nothing to find in a new archive.</summary>
    public Task<PulledFile> PullAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, CancellationToken ct, RelayTarget? relay = null) =>
        new StreamedPull(Options, logger).RunAsync(host, remotePath, localPath, reporter, relay, ct);

    public async Task PromoteRelayedAsync(Hypervisor host, string remotePath, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), RemoteCommand.Script(PromoteScript, HostPath.Require(remotePath, nameof(remotePath))), ct);
        if (!result.Succeeded)
        {
            throw new TransferException($"Could not put the relayed copy of {remotePath} in place on {host.Name} (exit {result.ExitStatus}): {result.StandardError.Trim()}",
                retryable: true, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    public Task PushAsync(string localPath, Hypervisor host, string remotePath, IStageReporter reporter, CancellationToken ct) =>
        RunAsync(host, RsyncArguments.Push(localPath, SshEndpoint.For(host), remotePath, Options(host)), reporter, ct, new FileInfo(localPath).Length);

    public async Task<string?> RemoteSha256Async(Hypervisor host, string remotePath, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), RemoteCommand.Script(Sha256Script, HostPath.Require(remotePath, nameof(remotePath))), ct);
        if (result.ExitStatus == 3)
        {
            return null;
        }
        var hash = result.StandardOutput.Split(' ', 2)[0].Trim();
        if (!result.Succeeded || hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new TransferException($"Could not checksum {remotePath} on {host.Name} (exit {result.ExitStatus}): {result.StandardError.Trim()}",
                retryable: true, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return hash;
    }

    public async Task RemoveRemoteAsync(Hypervisor host, IReadOnlyList<string> remotePaths, CancellationToken ct)
    {
        if (remotePaths.Count == 0)
        {
            return;
        }
        var paths = remotePaths.Select(p => HostPath.Require(p, nameof(remotePaths))).ToArray();
        var result = await shell.RunAsync(SshEndpoint.For(host), RemoteCommand.Script(RemoveScript, paths), ct);
        if (!result.Succeeded)
        {
            throw new TransferException($"Could not remove files on {host.Name} (exit {result.ExitStatus}): {result.StandardError.Trim()}",
                retryable: true, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    public async Task<IReadOnlyList<RemoteFileEntry>> RemoteListAsync(Hypervisor host, string remoteDirectory, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), RemoteCommand.Script(ListScript, HostPath.Require(remoteDirectory, nameof(remoteDirectory))), ct);
        return result.Succeeded
            ? RemoteFileListing.Parse(result.StandardOutput)
            : throw new TransferException($"Could not list {remoteDirectory} on {host.Name} (exit {result.ExitStatus}): {result.StandardError.Trim()}",
                retryable: true, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public async Task<long> RemoteFreeBytesAsync(Hypervisor host, string remoteDirectory, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), RemoteCommand.Script(FreeSpaceScript, HostPath.Require(remoteDirectory, nameof(remoteDirectory))), ct);
        return result.Succeeded && DfOutput.AvailableBytes(result.StandardOutput) is { } free
            ? free
            : throw new TransferException($"Could not read the free space of {remoteDirectory} on {host.Name} (exit {result.ExitStatus}): {result.StandardError.Trim()}",
                retryable: true, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private RsyncOptions Options(Hypervisor host) => new()
    {
        PrivateKeyPath = portalKey.PrivateKeyPath,
        KnownHostsPath = WriteKnownHosts(host),
        BandwidthLimitKiBps = host.BandwidthLimitKiBps,
        ServerAliveInterval = TimeSpan.FromSeconds(Math.Clamp(options.Value.TransferKeepAliveSeconds, 1, 300)),
    };

    /// <summary>One known_hosts file per host, holding only its pinned key; no key pinned, no transfer.</summary>
    private string WriteKnownHosts(Hypervisor host)
    {
        var key = host.PinnedHostKey
            ?? throw new TransferException($"The host key of {host.Name} has not been trusted yet. An admin must confirm its fingerprint first.", retryable: false, []);
        var dir = Path.Combine(options.Value.DataDirectory, "ssh", "known_hosts.d");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"host-{host.Id}");
        var content = key.KnownHostsEntry(host.Address, host.SshPort) + "\n";
        // A temporary name of its own: several transfers with one host (a point's files, a relay) write this at once.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <param name="expectedBytes">The file's size when known (a push): the progress total is then that, never rsync's growing guess.</param>
    private async Task RunAsync(Hypervisor host, IReadOnlyList<string> arguments, IStageReporter reporter, CancellationToken ct, long? expectedBytes = null)
    {
        var running = Stopwatch.StartNew();
        using var process = TransferProcess.Start([RsyncArguments.Program, .. arguments], withInput: false);
        var stderr = new StringBuilder();
        var stderrTask = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
                reporter.Log(line);
            }
        }, CancellationToken.None);

        // Cancel asks rsync to stop (SIGTERM: it moves what it received into the partial directory and exits),
        // and kills it outright if it has not gone within five seconds.
        using var kill = ct.Register(() =>
        {
            _ = Signals.Terminate(process.Id);
            _ = Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ContinueWith(_ => TransferProcess.Kill(process, entireTree: true), TaskScheduler.Default);
        });

        var parser = new RsyncProgressParser(expectedBytes);
        var buffer = new char[8192];
        int read;
        while ((read = await process.StandardOutput.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            foreach (var p in parser.Feed(new string(buffer, 0, read)))
            {
                Report(reporter, p);
            }
        }
        foreach (var p in parser.Complete())
        {
            Report(reporter, p);
        }
        await process.WaitForExitAsync(CancellationToken.None);
        await stderrTask;
        // The transfer's own run time (ssh connection included): what the bench's P5 (portal overhead) subtracts.
        logger.LogDebug("Host command rsync with {Address} ran {Milliseconds} ms (exit {Exit}) ended {Ended}",
            host.Address, running.ElapsedMilliseconds, process.ExitCode, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        ct.ThrowIfCancellationRequested();

        string errors;
        lock (stderr)
        {
            errors = stderr.ToString();
        }
        var status = RsyncExitStatus.Classify(process.ExitCode, errors);
        if (!status.Succeeded)
        {
            throw new TransferException($"Transfer with {host.Name} failed: {status.Reason}", status.Retryable,
                errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(20).ToList(), diskFull: status.Kind == RsyncFailureKind.DiskFull);
        }
    }

    private static class Signals
    {
        /// <summary>SIGTERM through the system's kill(1): .NET only offers SIGKILL.</summary>
        public static bool Terminate(int pid)
        {
            var psi = new ProcessStartInfo("kill") { UseShellExecute = false };
            psi.ArgumentList.Add("-TERM");
            psi.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var kill = Process.Start(psi);
            kill?.WaitForExit();
            return kill?.ExitCode == 0;
        }
    }

    private static void Report(IStageReporter reporter, RsyncProgress p) =>
        reporter.Progress(new StageProgress(p.Percent, p.BytesDone, p.BytesTotal, p.BytesPerSecond));
}
