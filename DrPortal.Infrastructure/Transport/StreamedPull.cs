using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using DrPortal.Core.Archives;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Remote;
using Microsoft.Extensions.Logging;

namespace DrPortal.Infrastructure.Transport;

/// <summary>
/// One pull as one stream over the system ssh client: the host sends its file from an offset (<c>tail -c +N</c>), the
/// portal hashes the bytes as they come and appends them to the repository's partial file, and for a replication
/// writes the same bytes into a second ssh that stores them in the recovery host's partial file. Nothing is read twice
/// here, and the two hops share the time instead of adding up.
/// <list type="bullet">
/// <item>Partial data lives where rsync keeps its own (<see cref="RsyncArguments.PartialFilePath"/>), so a pull resumes
/// after what landed (hashing that part once), and a push by rsync resumes from what a relay left.</item>
/// <item>A relay never fails the pull: it starts only on a fresh pull, only when the recovery host has room, and any
/// failure there just ends it; the Push stage then sends what is missing.</item>
/// <item>A relay that falls behind slows the pull by at most its buffer (<see cref="RelayBufferChunks"/> chunks): the
/// pair moves at the pace of its slower hop, which is what the two rsyncs in a row cost at best anyway.</item>
/// </list>
/// </summary>
internal sealed class StreamedPull(Func<Hypervisor, RsyncOptions> optionsOf, ILogger logger)
{
    private readonly ILogger _logger = logger;

    private const int ChunkBytes = 128 << 10;

    /// <summary>At most 16 MiB in flight to a relay per pull.</summary>
    private const int RelayBufferChunks = 128;

    /// <summary>
    /// $1 the file, $2 how many bytes the portal already has. Prints the file's size on a line of its own, then the rest
    /// of the file. Exit 3: no such file; 5: the portal holds more than the file has (not a prefix of it).
    /// </summary>
    private const string SendScript =
        "[ -f \"$1\" ] || exit 3; s=$(stat -c %s -- \"$1\") || exit 4; [ \"$s\" -ge \"$2\" ] || exit 5; " +
        "printf '%s\\n' \"$s\"; exec tail -c +\"$(($2 + 1))\" -- \"$1\"";

    /// <summary>
    /// $1 the file's real path, $2 its size. Stores standard input in the file's partial-data place, refusing up front
    /// when the file system lacks room (exit 28) and removing what it wrote when writing fails.
    /// </summary>
    private const string ReceiveScript =
        "d=\"${1%/*}/" + RsyncArguments.PartialDirectoryName + "\"; f=\"$d/${1##*/}\"; mkdir -p -- \"$d\" || exit 4; " +
        "a=$(df -P -B1 -- \"$d\" | awk 'NR==2 {print $4}'); " +
        "[ \"${a:-0}\" -ge \"$2\" ] || { echo \"only ${a:-0} bytes are free in $d\" >&2; exit 28; }; " +
        "cat > \"$f\" || { e=$?; rm -f -- \"$f\"; exit $e; }";

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(250);

    public async Task<PulledFile> RunAsync(Hypervisor host, string remotePath, string localPath, IStageReporter reporter, RelayTarget? relay, CancellationToken ct)
    {
        HostPath.Require(remotePath, nameof(remotePath));
        HostPath.Require(localPath, nameof(localPath));
        if (relay is not null)
        {
            HostPath.Require(relay.RemotePath, nameof(relay));
        }
        var partial = RsyncArguments.PartialFilePath(localPath);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        if (File.Exists(localPath))
        {
            // A whole copy from an attempt that ended before its check: resumed like any kept data (nothing is left to fetch).
            File.Move(localPath, partial, overwrite: true);
        }
        for (var attempt = 0; ; attempt++)
        {
            var kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            if (kept > 0)
            {
                reporter.Log($"Resuming {Path.GetFileName(localPath)} after the {ByteSize.Format(kept)} already in the repository (hashing them once).");
                reporter.Verifying("the part already in the repository");
                await HashFileAsync(partial, sha, ct);
            }
            try
            {
                var pulled = await StreamAsync(host, remotePath, partial, kept, sha, reporter, kept == 0 ? relay : null, ct);
                File.Move(partial, localPath, overwrite: true);
                return kept > 0 && relay is not null
                    ? pulled with { RelayNote = "the pull resumed from kept data, which was never sent on" }
                    : pulled;
            }
            catch (NotAPrefixException) when (attempt == 0)
            {
                reporter.Log($"The kept data ({ByteSize.Format(kept)}) is longer than the file on {host.Name}; starting the pull over.");
                File.Delete(partial);
            }
        }
    }

    private async Task<PulledFile> StreamAsync(Hypervisor host, string remotePath, string partial, long kept, IncrementalHash sha,
        IStageReporter reporter, RelayTarget? relay, CancellationToken ct)
    {
        var running = Stopwatch.StartNew();
        using var sender = Start(host, RemoteCommand.Script(SendScript, remotePath, kept.ToString(CultureInfo.InvariantCulture)), withInput: false);
        var senderErrors = CollectErrors(sender);
        using var stopSender = ct.Register(() => TransferProcess.Kill(sender));
        Relay? relaying = null;
        long moved = 0;
        try
        {
            var stdout = sender.StandardOutput.BaseStream;
            var size = await ReadSizeAsync(stdout, ct);
            if (size is null)
            {
                await sender.WaitForExitAsync(CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                throw Failure(host, remotePath, sender.ExitCode, await senderErrors, moved: 0, expected: null);
            }
            var total = size.Value;
            if (relay is not null)
            {
                relaying = new Relay(this, relay, total, ct);
            }
            reporter.Log($"Streaming {Path.GetFileName(remotePath)} ({ByteSize.Format(total)}) from {host.Name}" +
                         (relay is null ? "." : $" and on to {relay.Host.Name} at the same time."));

            var limit = Math.Min(host.BandwidthLimitKiBps ?? int.MaxValue, relay?.Host.BandwidthLimitKiBps ?? int.MaxValue);
            var sinceProgress = Stopwatch.StartNew();
            await using (var file = new FileStream(partial, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0))
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
                    var read = await stdout.ReadAsync(buffer.AsMemory(0, ChunkBytes), ct);
                    if (read == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }
                    sha.AppendData(buffer, 0, read);
                    Write(file, buffer, read);
                    moved += read;
                    if (relaying is null || !await relaying.OfferAsync(buffer, read))
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                    if (sinceProgress.Elapsed >= ProgressEvery)
                    {
                        sinceProgress.Restart();
                        Report(reporter, kept + moved, total, moved, running.Elapsed);
                    }
                    if (limit != int.MaxValue)
                    {
                        // The host's bandwidth limit (KiB/s), as rsync's --bwlimit kept it: wait until the bytes are due.
                        var ahead = TimeSpan.FromSeconds(moved / (limit * 1024.0)) - running.Elapsed;
                        if (ahead > TimeSpan.Zero)
                        {
                            await Task.Delay(ahead, ct);
                        }
                    }
                }
            }
            await sender.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            _logger.LogDebug("Host command stream with {Address} ran {Milliseconds} ms (exit {Exit}) ended {Ended}",
                host.Address, running.ElapsedMilliseconds, sender.ExitCode, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (sender.ExitCode != 0 || kept + moved != total)
            {
                throw Failure(host, remotePath, sender.ExitCode, await senderErrors, kept + moved, total);
            }
            Report(reporter, total, total, moved, running.Elapsed);
            var (relayed, note) = relaying is null ? (false, relay is null ? null : "not started") : await relaying.FinishAsync();
            return new PulledFile(Convert.ToHexStringLower(sha.GetHashAndReset()), total, relayed, note);
        }
        finally
        {
            if (relaying is not null)
            {
                await relaying.AbandonAsync();
            }
            TransferProcess.Kill(sender);
        }
    }

    private static void Write(FileStream file, byte[] buffer, int count)
    {
        try
        {
            file.Write(buffer, 0, count);
        }
        catch (IOException ex) when (ex.HResult == 28 || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
        {
            throw new TransferException($"The repository's disk is full ({ex.Message}).", retryable: false, [], ex, diskFull: true);
        }
    }

    private static void Report(IStageReporter reporter, long done, long total, long moved, TimeSpan elapsed) =>
        reporter.Progress(new StageProgress(total == 0 ? 100 : done * 100.0 / total, done, total,
            elapsed.TotalSeconds > 0 ? moved / elapsed.TotalSeconds : null));

    /// <summary>The send script's first line: the file's size. Null when the stream ends first (the script failed).</summary>
    private static async Task<long?> ReadSizeAsync(Stream stdout, CancellationToken ct)
    {
        var digits = new List<byte>(20);
        var one = new byte[1];
        while (digits.Count <= 20)
        {
            if (await stdout.ReadAsync(one, ct) == 0)
            {
                return null;
            }
            if (one[0] == (byte)'\n')
            {
                return long.TryParse(System.Text.Encoding.ASCII.GetString([.. digits]), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                    ? size
                    : throw new TransferException("The host sent no file size before the data.", retryable: true, []);
            }
            digits.Add(one[0]);
        }
        throw new TransferException("The host sent no file size before the data.", retryable: true, []);
    }

    private static async Task HashFileAsync(string path, IncrementalHash sha, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, 1 << 20), ct)) > 0)
            {
                sha.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Exception Failure(Hypervisor host, string remotePath, int exit, IReadOnlyList<string> errors, long moved, long? expected)
    {
        var said = errors.LastOrDefault(e => !string.IsNullOrWhiteSpace(e))?.Trim();
        return exit switch
        {
            3 => new TransferException($"{remotePath} is not on {host.Name}.", retryable: false, errors),
            5 => new NotAPrefixException(),
            255 when said is not null && said.Contains("Host key verification failed", StringComparison.Ordinal) =>
                new TransferException($"Transfer with {host.Name} failed: the host's key is not the pinned one. An admin must check it.", retryable: false, errors),
            255 when said is not null && said.Contains("Permission denied", StringComparison.Ordinal) =>
                new TransferException($"Transfer with {host.Name} failed: {host.Name} refused the portal's key ({said}).", retryable: false, errors),
            _ => new TransferException(
                $"Transfer with {host.Name} failed: the stream ended after {ByteSize.Format(moved)}" +
                (expected is { } e ? $" of {ByteSize.Format(e)}" : "") + $" (exit {exit}{(said is null ? "" : ": " + said)}). What landed is kept for the retry.",
                retryable: true, errors),
        };
    }

    private Process Start(Hypervisor host, RemoteCommand command, bool withInput) =>
        TransferProcess.Start(RsyncArguments.SshExec(SshEndpoint.For(host), optionsOf(host), ShellQuoting.ToShellLine(command)), withInput);

    private static Task<IReadOnlyList<string>> CollectErrors(Process process) => Task.Run<IReadOnlyList<string>>(async () =>
    {
        var lines = new Queue<string>();
        while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Enqueue(line);
            if (lines.Count > 20)
            {
                lines.Dequeue();
            }
        }
        return lines.ToList();
    }, CancellationToken.None);

    private sealed class NotAPrefixException : Exception;

    /// <summary>The second hop of one pull: chunks handed over by the pull go into the recovery host's partial file.</summary>
    private sealed class Relay
    {
        private readonly Channel<(byte[] Buffer, int Count)> _chunks =
            Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(RelayBufferChunks) { SingleReader = true, SingleWriter = true });
        private readonly StreamedPull _owner;
        private readonly RelayTarget _target;
        private readonly CancellationToken _ct;
        private readonly Task<(bool Delivered, string? Note)> _running;
        private volatile bool _broken;

        public Relay(StreamedPull owner, RelayTarget target, long size, CancellationToken ct)
        {
            (_owner, _target, _ct) = (owner, target, ct);
            _running = Task.Run(() => RunAsync(size), CancellationToken.None);
        }

        /// <summary>Hands a chunk over; false when the relay has ended (the caller keeps the buffer).</summary>
        public async ValueTask<bool> OfferAsync(byte[] buffer, int count)
        {
            if (_broken)
            {
                return false;
            }
            try
            {
                await _chunks.Writer.WriteAsync((buffer, count), _ct);
                return true;
            }
            catch (ChannelClosedException)
            {
                return false;
            }
        }

        /// <summary>The pull has every byte: the relay finishes what is queued and says whether it delivered all of it.</summary>
        public Task<(bool Delivered, string? Note)> FinishAsync()
        {
            _chunks.Writer.TryComplete();
            return _running;
        }

        /// <summary>The pull is over, whichever way: the relay ends with what it wrote (kept for a push to resume from).</summary>
        public async Task AbandonAsync()
        {
            _chunks.Writer.TryComplete();
            await _running;
        }

        private async Task<(bool, string?)> RunAsync(long size)
        {
            var running = Stopwatch.StartNew();
            Process? receiver = null;
            try
            {
                receiver = _owner.Start(_target.Host, RemoteCommand.Script(ReceiveScript, _target.RemotePath, size.ToString(CultureInfo.InvariantCulture)), withInput: true);
                var errors = CollectErrors(receiver);
                using var stop = _ct.Register(() => TransferProcess.Kill(receiver));
                var input = receiver.StandardInput.BaseStream;
                try
                {
                    await foreach (var (buffer, count) in _chunks.Reader.ReadAllAsync(CancellationToken.None))
                    {
                        try
                        {
                            await input.WriteAsync(buffer.AsMemory(0, count), _ct);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }
                    await input.FlushAsync(_ct);
                    receiver.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The receiver ended early; its exit status and words below say why.
                }
                await receiver.WaitForExitAsync(CancellationToken.None);
                var said = (await errors).LastOrDefault(e => !string.IsNullOrWhiteSpace(e))?.Trim();
                _owner._logger.LogDebug("Host command stream with {Address} ran {Milliseconds} ms (exit {Exit}) ended {Ended}",
                    _target.Host.Address, running.ElapsedMilliseconds, receiver.ExitCode, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                return receiver.ExitCode == 0 && _chunks.Reader.Completion.IsCompleted
                    ? (true, null)
                    : (false, receiver.ExitCode == 28 ? $"{_target.Host.Name} had too little room: {said}" : $"the relay to {_target.Host.Name} ended (exit {receiver.ExitCode}{(said is null ? "" : ": " + said)})");
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or System.ComponentModel.Win32Exception or TransferException or ArgumentException)
            {
                return (false, $"the relay to {_target.Host.Name} stopped: {ex.Message}");
            }
            finally
            {
                _broken = true;
                // Whatever is still queued goes back to the pool; a pull still offering gets false from now on.
                _chunks.Writer.TryComplete();
                while (_chunks.Reader.TryRead(out var left))
                {
                    ArrayPool<byte>.Shared.Return(left.Buffer);
                }
                if (receiver is not null)
                {
                    TransferProcess.Kill(receiver);
                    receiver.Dispose();
                }
            }
        }
    }
}
