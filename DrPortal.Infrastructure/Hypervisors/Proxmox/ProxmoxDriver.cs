using System.Globalization;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Proxmox VE driven through its CLI over SSH.</summary>
internal sealed class ProxmoxDriver(IRemoteShell shell) : IHypervisorDriver
{
    public HypervisorKind Kind => HypervisorKind.Proxmox;

    public async Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmList(), ct);
        return QmOutputParser.ParseList(result.StandardOutput);
    }

    public async Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.PveVersion(), ct);
        // 127: the shell did not find pveversion, so this is not a Proxmox node (or not on PATH).
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    public async Task<VmPowerState> GetStatusAsync(Hypervisor host, VmId vmId, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmStatus(vmId), ct);
        return QmOutputParser.ParseStatus(result.StandardOutput);
    }

    public async Task<bool> VmExistsAsync(Hypervisor host, VmId vmId, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.QmStatus(vmId), ct);
        if (result.Succeeded)
        {
            return true;
        }
        if (QmErrorParser.Classify(result.StandardError).Kind == QmFailureKind.VmNotFound)
        {
            return false;
        }
        throw Failure(host, ProxmoxCommands.QmStatus(vmId), result);
    }

    public async Task StartAsync(Hypervisor host, VmId vmId, CancellationToken ct)
    {
        var command = ProxmoxCommands.QmStart(vmId);
        var result = await shell.RunAsync(SshEndpoint.For(host), command, ct);
        if (!result.Succeeded && QmErrorParser.Classify(result.StandardError).Kind != QmFailureKind.AlreadyRunning)
        {
            throw Failure(host, command, result);
        }
    }

    public async Task StopAsync(Hypervisor host, VmId vmId, CancellationToken ct) =>
        await RunCheckedAsync(host, ProxmoxCommands.QmStop(vmId), ct);

    public async Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = ProxmoxCommands.Vzdump(request.VmId, request.DumpDirectory, request.Compression, request.Mode, request.BandwidthLimitKiBps);
        var parser = new VzdumpOutputParser(request.Compression);
        var result = await RunTrackedAsync(host, command, reporter, line =>
        {
            if (parser.Read(line) != VzdumpLineKind.Progress)
            {
                return false;
            }
            if (parser.Progress is { } p)
            {
                reporter.Progress(new StageProgress(p.Percent, p.BytesDone ?? 0, p.BytesTotal));
            }
            return true;
        }, ct);
        var verdict = parser.Finish(result.ExitStatus, result.StandardError);
        if (!verdict.Succeeded || verdict.Archive is null || verdict.ArchivePath is null)
        {
            throw new HypervisorCommandException(
                $"Backup of VM {request.VmId} on {host.Name} failed: {verdict.FailureReason ?? "no archive was reported"}",
                result.ExitStatus, LastLines(result));
        }
        var directory = verdict.ArchivePath[..(verdict.ArchivePath.LastIndexOf('/') + 1)];
        return new BackupOutcome(verdict.ArchivePath, directory + verdict.Archive.LogFileName, verdict.Warnings);
    }

    public async Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = ProxmoxCommands.Qmrestore(request.ArchivePath, request.VmId, request.Force, request.Storage);
        var parser = new QmrestoreOutputParser();
        var result = await RunTrackedAsync(host, command, reporter, line =>
        {
            if (parser.Read(line) != QmrestoreLineKind.Progress)
            {
                return false;
            }
            if (parser.Progress is { } p)
            {
                reporter.Progress(new StageProgress(p.Percent, p.BytesDone ?? 0, p.BytesTotal));
            }
            return true;
        }, ct);
        // stderr arrives whole at the end; the parser reads its lines like stdout's, as Proxmox mixes the two.
        var verdict = parser.Finish(result.ExitStatus, result.StandardError);
        if (!verdict.Succeeded)
        {
            var stub = verdict.StateNotCleanedUp ? $" qmrestore left VM {request.VmId} half-made (its VMID stays taken)." : "";
            throw new HypervisorCommandException(
                $"Restore into VM {request.VmId} on {host.Name} failed: {verdict.FailureReason ?? "no reason given"}{stub}",
                result.ExitStatus, LastLines(result));
        }
        return new RestoreOutcome(verdict.Warnings);
    }

    /// <summary>
    /// Runs a long command so that it can be stopped: the shell prints its PID and start time (reported at once through
    /// <see cref="IStageReporter.HostCommandStarted"/>, so a later attempt can stop it if this portal dies), then becomes
    /// the command. Output goes to the log and to <paramref name="parse"/>; lines it says are progress go to the live bar
    /// only, with just the first and the last one logged. Cancelling stops the command on the host.
    /// </summary>
    private async Task<RemoteResult> RunTrackedAsync(Hypervisor host, RemoteCommand command, IStageReporter reporter, Func<string, bool> parse,
        CancellationToken ct)
    {
        var endpoint = SshEndpoint.For(host);
        HostProcess? process = null;
        var markerSeen = false;
        var progressLogged = false;
        string? unloggedProgress = null;
        try
        {
            var result = await shell.RunAsync(endpoint, ProxmoxCommands.Tracked(command), ct, line =>
            {
                if (!markerSeen && line.StartsWith(ProxmoxCommands.ProcessMarker, StringComparison.Ordinal))
                {
                    markerSeen = true;
                    process = ParseMarker(line);
                    if (process is not null)
                    {
                        reporter.HostCommandStarted(process);
                    }
                    return;
                }
                if (parse(line))
                {
                    if (progressLogged)
                    {
                        unloggedProgress = line;
                        return;
                    }
                    progressLogged = true;
                }
                else if (unloggedProgress is not null)
                {
                    // The last progress line goes into the log where it stood, before the lines that followed it.
                    reporter.Log(unloggedProgress);
                    unloggedProgress = null;
                }
                reporter.Log(line);
            });
            return result with { StandardOutput = WithoutMarker(result.StandardOutput) };
        }
        catch (OperationCanceledException) when (process is not null)
        {
            reporter.Log($"Stopping {command.Program} on {host.Name} (pid {process.Pid}).");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            // Ask it to stop and wait until it has (vzdump removes its .dat file and unlocks the VM on SIGTERM).
            await shell.RunAsync(endpoint, ProxmoxCommands.StopLeftover(process), grace.Token);
            throw;
        }
        finally
        {
            if (unloggedProgress is not null)
            {
                reporter.Log(unloggedProgress);
            }
        }
    }

    /// <summary>"drportal-process PID STARTTIME"; null when the host could not read its own start time.</summary>
    internal static HostProcess? ParseMarker(string line)
    {
        var fields = line.AsSpan(ProxmoxCommands.ProcessMarker.Length).Trim().ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2
               && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
               && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new HostProcess(pid, start)
            : null;
    }

    private static string WithoutMarker(string output) =>
        output.StartsWith(ProxmoxCommands.ProcessMarker, StringComparison.Ordinal) && output.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0
            ? output[(end + 1)..]
            : output;

    public async Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(process);
        var result = await shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.StopLeftover(process), ct);
        var verdict = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return (result.ExitStatus, verdict) switch
        {
            (0, "stopped") => true,
            (0, "gone") => false,
            (_, "running") => throw new HypervisorCommandException(
                $"The command left running on {host.Name} by an earlier attempt (pid {process.Pid}) did not stop within 30 s.", result.ExitStatus, LastLines(result)),
            _ when verdict.StartsWith("refused: ", StringComparison.Ordinal) => throw new HypervisorCommandException(
                $"Did not stop pid {process.Pid} on {host.Name}, recorded as left running by an earlier attempt: {verdict["refused: ".Length..]}. Nothing was signalled.",
                result.ExitStatus, LastLines(result)),
            _ => throw Failure(host, ProxmoxCommands.StopLeftover(process), result),
        };
    }

    public async Task<string?> GetVmIdentityAsync(Hypervisor host, VmId vmId, CancellationToken ct) =>
        ProxmoxVmConfig.Parse((await RunCheckedAsync(host, ProxmoxCommands.QmConfig(vmId), ct)).StandardOutput).Identity;

    public async Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmId vmId, bool up, CancellationToken ct)
    {
        var nics = ProxmoxVmConfig.Parse((await RunCheckedAsync(host, ProxmoxCommands.QmConfig(vmId), ct)).StandardOutput).Nics;
        foreach (var (index, nic) in nics.Where(n => n.Nic.LinkDown == up))
        {
            await RunCheckedAsync(host, ProxmoxCommands.QmSetNet(vmId, index, nic.WithLinkDown(!up)), ct);
        }
        // Read back: the VM is only started when its configuration shows every link as wanted, with its MAC kept.
        var after = ProxmoxVmConfig.Parse((await RunCheckedAsync(host, ProxmoxCommands.QmConfig(vmId), ct)).StandardOutput).Nics;
        var wrong = after.Where(n => n.Nic.LinkDown == up || nics.FirstOrDefault(b => b.Index == n.Index).Nic?.Mac is not { } mac || mac != n.Nic.Mac)
            .Select(n => $"net{n.Index}").ToList();
        if (wrong.Count > 0 || after.Count != nics.Count)
        {
            throw new HypervisorCommandException(
                $"VM {vmId} on {host.Name}: after setting the links {(up ? "up" : "down")}, the configuration does not show it for {(wrong.Count > 0 ? string.Join(", ", wrong) : "every NIC")}.",
                0, []);
        }
        return after.Select(n => $"net{n.Index}").ToList();
    }

    public async Task DestroyAsync(Hypervisor host, VmId vmId, CancellationToken ct) =>
        await RunCheckedAsync(host, ProxmoxCommands.QmDestroy(vmId), ct);

    private async Task<RemoteResult> RunCheckedAsync(Hypervisor host, RemoteCommand command, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), command, ct);
        return result.Succeeded ? result : throw Failure(host, command, result);
    }

    private static HypervisorCommandException Failure(Hypervisor host, RemoteCommand command, RemoteResult result)
    {
        // Inside a task (qm start, stop, shutdown) Proxmox prints the task's lines on stdout: they say why when stderr is silent.
        var message = result.StandardError.Trim() is { Length: > 0 } stderr ? stderr
            : string.Join(" ", result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
        return new HypervisorCommandException(
            $"'{command}' failed on {host.Name} (exit {result.ExitStatus}): {(message.Length > 0 ? message : "no error message")}",
            result.ExitStatus, LastLines(result));
    }

    /// <summary>The last output lines for a failure report; the tracked command's marker is internal and never among them.</summary>
    private static List<string> LastLines(RemoteResult result) =>
        (result.StandardOutput + "\n" + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith(ProxmoxCommands.ProcessMarker, StringComparison.Ordinal)).TakeLast(20).ToList();
}
