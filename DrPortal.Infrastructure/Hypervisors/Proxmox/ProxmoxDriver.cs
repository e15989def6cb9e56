using System.Globalization;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;

using DrPortal.Infrastructure.Remote;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>Proxmox VE driven through its CLI over SSH. A restore point is a vzdump archive and its log.</summary>
internal sealed class ProxmoxDriver(HostCommandRunner commands, ProxmoxProfile profile) : IHypervisorDriver
{
    private IRemoteShell Shell => commands.Shell;

    public const string ArchiveRole = "archive";
    public const string LogRole = "log";

    public IHypervisorProfile Profile => profile;

    public string StagingPathOf(Hypervisor host, string fileName)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Transport.HostPath.Combine(host.StagingDirectory, fileName);
    }

    public async Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmList(), ct);
        return QmOutputParser.ParseList(result.StandardOutput);
    }

    public async Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await Shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.PveVersion(), ct);
        // 127: the shell did not find pveversion, so this is not a Proxmox node (or not on PATH).
        return result.Succeeded ? result.StandardOutput.Trim() : null;
    }

    public async Task<VmPowerState> GetStatusAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.QmStatus(VmIdOf(vm)), ct);
        return QmOutputParser.ParseStatus(result.StandardOutput);
    }

    public async Task<bool> VmExistsAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var result = await Shell.RunAsync(SshEndpoint.For(host), ProxmoxCommands.QmStatus(VmIdOf(vm)), ct);
        if (result.Succeeded)
        {
            return true;
        }
        if (QmErrorParser.Classify(result.StandardError).Kind == QmFailureKind.VmNotFound)
        {
            return false;
        }
        throw Failure(host, ProxmoxCommands.QmStatus(VmIdOf(vm)), result);
    }

    public async Task StartAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var command = ProxmoxCommands.QmStart(VmIdOf(vm));
        var result = await Shell.RunAsync(SshEndpoint.For(host), command, ct);
        if (!result.Succeeded && QmErrorParser.Classify(result.StandardError).Kind != QmFailureKind.AlreadyRunning)
        {
            throw Failure(host, command, result);
        }
    }

    public async Task StopAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        await RunCheckedAsync(host, ProxmoxCommands.QmStop(VmIdOf(vm)), ct);

    public async Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = ProxmoxBackupOptions.From(request.Options);
        var command = ProxmoxCommands.Vzdump(VmIdOf(request.Vm), host.StagingDirectory, options.Compression, options.Mode, request.BandwidthLimitKiBps);
        var parser = new VzdumpOutputParser(options.Compression);
        var result = await commands.RunTrackedAsync(host, command, reporter, line =>
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
                $"Backup of VM {request.Vm} on {host.Name} failed: {verdict.FailureReason ?? "no archive was reported"}",
                result.ExitStatus, LastLines(result));
        }
        // vzdump names its archive and writes its log beside it; the manifest says which file is which.
        var archiveName = verdict.ArchivePath[(verdict.ArchivePath.LastIndexOf('/') + 1)..];
        var files = new List<HostFile>
        {
            new(archiveName, ArchiveRole, StagingPathOf(host, archiveName)),
            new(verdict.Archive.LogFileName, LogRole, StagingPathOf(host, verdict.Archive.LogFileName)),
        };
        return new BackupOutcome(files, archiveName, Metadata: null, BasedOn: null, verdict.Warnings);
    }

    public async Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // vzdump archives are full: the chain is the one point.
        var point = request.Chain.Count == 1 ? request.Chain[0]
            : throw new ArgumentException("A Proxmox restore point stands alone; it has no chain.", nameof(request));
        var archive = point.Files.FirstOrDefault(f => f.Role == ArchiveRole)
            ?? throw new ArgumentException($"Restore point {point.Label} has no vzdump archive.", nameof(request));
        var vmId = VmIdOf(request.Target);
        var command = ProxmoxCommands.Qmrestore(StagingPathOf(host, archive.Name), vmId, request.Force, request.Storage);
        var parser = new QmrestoreOutputParser();
        var result = await commands.RunTrackedAsync(host, command, reporter, line =>
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
            var stub = verdict.StateNotCleanedUp ? $" qmrestore left VM {vmId} half-made (its VMID stays taken)." : "";
            throw new HypervisorCommandException(
                $"Restore into VM {vmId} on {host.Name} failed: {verdict.FailureReason ?? "no reason given"}{stub}",
                result.ExitStatus, LastLines(result));
        }
        return new RestoreOutcome(verdict.Warnings);
    }

    public Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct) => commands.StopLeftoverAsync(host, process, ct);

    // vzdump runs as one host process: stopping it (StopLeftoverAsync) removes its partial files and unlocks the VM.
    public Task<string?> ClearInterruptedBackupAsync(Hypervisor host, VmRef vm, CancellationToken ct) => Task.FromResult<string?>(null);

    public async Task<string?> GetVmIdentityAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        ProxmoxVmConfig.Parse((await RunCheckedAsync(host, ProxmoxCommands.QmConfig(VmIdOf(vm)), ct)).StandardOutput).Identity;

    public async Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmRef vm, bool up, CancellationToken ct)
    {
        var nics = await NicsOfAsync(host, VmIdOf(vm), ct);
        foreach (var (index, nic) in nics.Where(n => n.Nic.LinkDown == up))
        {
            await RunCheckedAsync(host, ProxmoxCommands.QmSetNet(VmIdOf(vm), index, nic.WithLinkDown(!up)), ct);
        }
        // Read back: the VM is only started when its configuration shows every link as wanted, with its MAC kept.
        var after = await NicsOfAsync(host, VmIdOf(vm), ct);
        var wrong = after.Where(n => n.Nic.LinkDown == up || nics.FirstOrDefault(b => b.Index == n.Index).Nic?.Mac is not { } mac || mac != n.Nic.Mac)
            .Select(n => $"net{n.Index}").ToList();
        if (wrong.Count > 0 || after.Count != nics.Count)
        {
            throw new HypervisorCommandException(
                $"VM {vm} on {host.Name}: after setting the links {(up ? "up" : "down")}, the configuration does not show it for {(wrong.Count > 0 ? string.Join(", ", wrong) : "every NIC")}.",
                0, []);
        }
        return after.Select(n => $"net{n.Index}").ToList();
    }

    public async Task<IReadOnlyList<HostNetwork>> ListNetworksAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await RunCheckedAsync(host, ProxmoxCommands.PveshNodeNetwork(), ct);
        try
        {
            return ProxmoxNetworkParser.ParseBridges(result.StandardOutput);
        }
        catch (FormatException ex)
        {
            throw new HypervisorCommandException($"{host.Name}: {ex.Message}", result.ExitStatus, LastLines(result));
        }
    }

    public async Task<IReadOnlyList<VmNic>> ListNicsAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        (await NicsOfAsync(host, VmIdOf(vm), ct)).Select(n => n.Nic.ToVmNic(n.Index)).ToList();

    public async Task<IReadOnlyList<VmNic>> ApplyNetworkAsync(Hypervisor host, VmRef vm, IReadOnlyList<NicMapping> mapping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var vmId = VmIdOf(vm);
        var planned = ProxmoxNetworkPlan.Build(vm, host.Name, await NicsOfAsync(host, vmId, ct), mapping);
        // qm set accepts any bridge name and the VM would only fail at start: check the node's bridges before any change.
        var bridges = await ListNetworksAsync(host, ct);
        var missing = planned.Select(p => p.Wanted.Bridge).OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(b => !bridges.Any(n => n.Name == b)).ToList();
        if (missing.Count > 0)
        {
            throw new HypervisorCommandException(
                $"VM {vm} on {host.Name}: bridge {string.Join(", ", missing)} does not exist there; its bridges are {(bridges.Count > 0 ? string.Join(", ", bridges.Select(b => b.Name)) : "none")}. Nothing was changed.",
                0, []);
        }
        // A running VM would take the change live (hotplug) or leave it pending: mapping is for a VM before its first start.
        if (await GetStatusAsync(host, vm, ct) != VmPowerState.Stopped)
        {
            throw new HypervisorCommandException($"VM {vm} on {host.Name} is not stopped: a network mapping is applied to a stopped VM only. Nothing was changed.", 0, []);
        }
        foreach (var step in planned.Where(p => p.Wanted.ToString() != p.Current.ToString()))
        {
            await RunCheckedAsync(host, ProxmoxCommands.QmSetNet(vmId, step.Index, step.Wanted), ct);
        }
        var after = await NicsOfAsync(host, vmId, ct);
        var wrong = ProxmoxNetworkPlan.Unmet(planned, after);
        if (wrong.Count > 0)
        {
            throw new HypervisorCommandException(
                $"VM {vm} on {host.Name}: after applying the network mapping, the configuration does not show it for {string.Join(", ", wrong)}.", 0, []);
        }
        return after.Select(n => n.Nic.ToVmNic(n.Index)).ToList();
    }

    public async Task<GuestAgentReply> PingGuestAgentAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var command = ProxmoxCommands.QmGuestPing(VmIdOf(vm));
        // qm waits 3 s for guest-ping (and 5 s for an agent command): a session that runs much longer is no answer either.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(PingTimeout);
        RemoteResult result;
        try
        {
            result = await Shell.RunAsync(SshEndpoint.For(host), command, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new GuestAgentReply(GuestAgentState.NoAnswer, $"qm guest cmd ping gave no result within {PingTimeout.TotalSeconds:0} s.");
        }
        return QmGuestPingParser.Classify(result) ?? throw Failure(host, command, result);
    }

    public async Task ShutdownAsync(Hypervisor host, VmRef vm, TimeSpan timeout, CancellationToken ct)
    {
        var command = ProxmoxCommands.QmShutdown(VmIdOf(vm), timeout);
        // qm ends the wait itself after --timeout; the margin covers the task's start and the SSH session, not a hang.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout + ShutdownMargin);
        RemoteResult result;
        try
        {
            result = await Shell.RunAsync(SshEndpoint.For(host), command, bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HypervisorCommandException(
                $"VM {vm} on {host.Name}: qm shutdown did not return within {(timeout + ShutdownMargin).TotalSeconds:0} s; the VM may still run.", -1, []);
        }
        if (!result.Succeeded)
        {
            var timedOut = (result.StandardError + "\n" + result.StandardOutput).Contains("VM quit/powerdown failed - got timeout", StringComparison.Ordinal);
            if (timedOut)
            {
                throw new HypervisorCommandException(
                    $"VM {vm} on {host.Name} did not shut down within {Math.Ceiling(timeout.TotalSeconds):0} s (VM quit/powerdown failed - got timeout); it still runs.",
                    result.ExitStatus, LastLines(result));
            }
            throw Failure(host, command, result);
        }
        // Exit 0 covers "already stopped" (stderr "VM N not running"); only a stopped status is proof.
        var state = await GetStatusAsync(host, vm, ct);
        if (state != VmPowerState.Stopped)
        {
            throw new HypervisorCommandException($"VM {vm} on {host.Name}: qm shutdown ended, yet the VM is {state.ToString().ToLowerInvariant()}.", 0, LastLines(result));
        }
    }

    public async Task<VmRef> FreeScratchVmAsync(Hypervisor host, string hint, IReadOnlySet<string> taken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(taken);
        // The hint names a libvirt copy; a Proxmox scratch VM is a number.
        var onHost = (await ListVmsAsync(host, ct)).Select(v => VmId.TryParse(v.Ref.Value, out var id) ? id : (VmId?)null).OfType<VmId>();
        return VmRef.Of(ProxmoxScratchVmId.Pick(onHost, taken).ToString());
    }

    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(60);

    private async Task<IReadOnlyList<(int Index, ProxmoxNic Nic)>> NicsOfAsync(Hypervisor host, VmId vmId, CancellationToken ct) =>
        ProxmoxVmConfig.Parse((await RunCheckedAsync(host, ProxmoxCommands.QmConfig(vmId), ct)).StandardOutput).Nics;

    public async Task DestroyAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        await RunCheckedAsync(host, ProxmoxCommands.QmDestroy(VmIdOf(vm)), ct);

    private Task<RemoteResult> RunCheckedAsync(Hypervisor host, RemoteCommand command, CancellationToken ct) => commands.RunCheckedAsync(host, command, ct);

    private static HypervisorCommandException Failure(Hypervisor host, RemoteCommand command, RemoteResult result) => HostCommandRunner.Failure(host, command, result);

    private static List<string> LastLines(RemoteResult result) => HostCommandRunner.LastLines(result);

    private static VmId VmIdOf(VmRef vm) => ProxmoxProfile.VmIdOf(vm);
}
