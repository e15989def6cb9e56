using System.Globalization;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Proxmox VE driven through its CLI over SSH.</summary>
internal sealed class ProxmoxDriver(IRemoteShell shell) : IHypervisorDriver
{
    /// <summary>
    /// Runs a long command so that it can be stopped: the shell prints its PID, then becomes the command (exec keeps the PID).
    /// Cancelling then sends SIGTERM to that PID over a second connection; vzdump and qmrestore clean up on SIGTERM.
    /// </summary>
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
        var result = await RunTrackedAsync(host, command, request.Tag, reporter, line =>
        {
            if (parser.Read(line) == VzdumpLineKind.Progress && parser.Progress is { } p)
            {
                reporter.Progress(new StageProgress(p.Percent, p.BytesDone ?? 0, p.BytesTotal));
            }
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
        var result = await RunTrackedAsync(host, command, request.Tag, reporter, line =>
        {
            if (parser.Read(line) == QmrestoreLineKind.Progress && parser.Progress is { } p)
            {
                reporter.Progress(new StageProgress(p.Percent, p.BytesDone ?? 0, p.BytesTotal));
            }
        }, ct);
        var verdict = parser.Finish(result.ExitStatus, result.StandardError);
        if (!verdict.Succeeded)
        {
            throw new HypervisorCommandException(
                $"Restore into VM {request.VmId} on {host.Name} failed: {verdict.FailureReason ?? "no reason given"}",
                result.ExitStatus, LastLines(result));
        }
        return new RestoreOutcome(verdict.Warnings);
    }

    /// <summary>Runs a long command with its output streamed to the reporter and the parser; cancelling stops it on the host.</summary>
    private async Task<RemoteResult> RunTrackedAsync(Hypervisor host, RemoteCommand command, CommandTag? tag, IStageReporter reporter, Action<string> parse,
        CancellationToken ct)
    {
        var endpoint = SshEndpoint.For(host);
        int? remotePid = null;
        var tracked = ProxmoxCommands.Tracked(command, tag);
        try
        {
            return await shell.RunAsync(endpoint, tracked, ct, line =>
            {
                if (remotePid is null && line.StartsWith(ProxmoxCommands.PidMarker, StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(ProxmoxCommands.PidMarker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    remotePid = pid;
                    return;
                }
                reporter.Log(line);
                parse(line);
            });
        }
        catch (OperationCanceledException) when (remotePid is { } pid)
        {
            reporter.Log($"Stopping {command.Program} on {host.Name} (pid {pid}).");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // Ask it to stop and wait until it has (vzdump removes its .dat file and unlocks the VM on SIGTERM).
            await shell.RunAsync(endpoint, ProxmoxCommands.Terminate(pid), grace.Token);
            throw;
        }
    }

    public async Task<int> StopTaggedAsync(Hypervisor host, CommandTag tag, CancellationToken ct)
    {
        var result = await shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.StopTagged(tag), ct);
        var stopped = result.StandardOutput.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("stopped ", StringComparison.Ordinal));
        var count = stopped is null ? 0 : int.Parse(stopped.AsSpan("stopped ".Length), NumberStyles.None, CultureInfo.InvariantCulture);
        if (!result.Succeeded)
        {
            throw new HypervisorCommandException(
                $"A command left running on {host.Name} by an earlier attempt ({tag}) did not stop within 30 s.", result.ExitStatus, LastLines(result));
        }
        return count;
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
        var message = result.StandardError.Trim();
        return new HypervisorCommandException(
            $"'{command}' failed on {host.Name} (exit {result.ExitStatus}): {(message.Length > 0 ? message : "no error message")}",
            result.ExitStatus, LastLines(result));
    }

    private static List<string> LastLines(RemoteResult result) =>
        (result.StandardOutput + "\n" + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(20).ToList();
}
