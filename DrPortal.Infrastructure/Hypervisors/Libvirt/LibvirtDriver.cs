using System.Text;
using DrPortal.Core.Common;
using DrPortal.Core.Hosts;
using DrPortal.Core.Hypervisors;
using DrPortal.Core.Remote;
using DrPortal.Core.Tasks;
using DrPortal.Infrastructure.Remote;
using DrPortal.Infrastructure.Transport;

namespace DrPortal.Infrastructure.Hypervisors.Libvirt;

/// <summary>libvirt/KVM driven over SSH as an admin would: <c>virsh -c qemu:///system</c> and <c>qemu-img</c> on the host.</summary>
internal sealed class LibvirtDriver(HostCommandRunner runner, LibvirtProfile profile, IClock clock) : IHypervisorDriver
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AgentPingBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ShutdownPoll = TimeSpan.FromMilliseconds(500);

    public IHypervisorProfile Profile => profile;

    public string StagingPathOf(Hypervisor host, string fileName)
    {
        ArgumentNullException.ThrowIfNull(host);
        return HostPath.Combine(host.StagingDirectory, fileName);
    }

    public async Task<IReadOnlyList<VmInfo>> ListVmsAsync(Hypervisor host, CancellationToken ct) =>
        LibvirtInventoryParser.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.Inventory(), ct)).StandardOutput);

    public async Task<string?> GetVersionAsync(Hypervisor host, CancellationToken ct)
    {
        var result = await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.Version(), ct);
        // 127: no virsh there, so this is not a libvirt host.
        return result.Succeeded ? VirshVersionParser.Parse(result.StandardOutput) : null;
    }

    public async Task<VmPowerState> GetStatusAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        await StateAsync(host, LibvirtProfile.DomainOf(vm), ct);

    public async Task<bool> VmExistsAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        await ExistsAsync(host, LibvirtProfile.DomainOf(vm), ct);

    public async Task StartAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        var result = await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.Start(domain), ct);
        if (!result.Succeeded && await StateAsync(host, domain, ct) != VmPowerState.Running)
        {
            throw HostCommandRunner.Failure(host, LibvirtCommands.Start(domain), result);
        }
    }

    public async Task StopAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        if (await StateAsync(host, domain, ct) is VmPowerState.Running or VmPowerState.Paused)
        {
            var result = await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.Destroy(domain), ct);
            if (!result.Succeeded && await StateAsync(host, domain, ct) is VmPowerState.Running or VmPowerState.Paused)
            {
                throw HostCommandRunner.Failure(host, LibvirtCommands.Destroy(domain), result);
            }
        }
    }

    public async Task<string?> GetVmIdentityAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        if (!await ExistsAsync(host, domain, ct))
        {
            return null;
        }
        var uuid = (await runner.RunCheckedAsync(host, LibvirtCommands.DomUuid(domain), ct)).StandardOutput.Trim();
        return uuid.Length > 0 ? uuid : null;
    }

    public Task<bool> StopLeftoverAsync(Hypervisor host, HostProcess process, CancellationToken ct) =>
        runner.StopLeftoverAsync(host, process, ct);

    public async Task<string?> ClearInterruptedBackupAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        if (!await ExistsAsync(host, domain, ct) || await StateAsync(host, domain, ct) is not (VmPowerState.Running or VmPowerState.Paused))
        {
            return null;
        }
        var job = DomJobInfoParser.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.JobInfo(domain), ct)).StandardOutput);
        if (job is not { IsActive: true, IsBackup: true })
        {
            return null;
        }
        // Read before the abort: the job's document names the files it writes, hence the lost attempt's stamp. The new
        // attempt has a stamp of its own, so nothing else would ever remove those files or that checkpoint.
        var stamps = LostAttemptStamps(host, domain,
            LibvirtBackupXml.Targets((await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.BackupDumpXml(domain), ct)).StandardOutput));
        await runner.RunCheckedAsync(host, LibvirtCommands.JobAbort(domain), ct);
        await WaitForNoJobAsync(host, domain, ct);
        var message = new StringBuilder($"Aborted the backup job an earlier attempt left running in domain {domain} on {host.Name}" +
                                        (job.BytesTotal is > 0 ? $" ({job.BytesProcessed ?? 0} of {job.BytesTotal} bytes written)." : "."));
        var checkpoints = Lines((await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointNames(domain), ct)).StandardOutput);
        foreach (var (stamp, devs) in stamps)
        {
            var checkpoint = LibvirtFileNames.Checkpoint(stamp);
            if (checkpoints.Contains(checkpoint))
            {
                await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointDelete(domain, checkpoint), ct);
                message.Append($" Deleted its checkpoint {checkpoint}: no restore point holds it.");
            }
            var xml = StagingPathOf(host, LibvirtFileNames.XmlFile(domain, stamp));
            var nvram = StagingPathOf(host, LibvirtFileNames.NvramFile(domain, stamp));
            await runner.RunCheckedAsync(host, LibvirtCommands.RemoveFiles(
                devs.SelectMany(dev => LibvirtCommands.LeftoversOf(StagingPathOf(host, LibvirtFileNames.DiskFile(domain, stamp, dev))))
                    .Concat([xml, xml + ".part", nvram, nvram + ".part"])), ct);
            message.Append($" Removed its half-written files ({LibvirtFileNames.Label(domain, stamp)}) from {host.StagingDirectory}.");
        }
        return message.ToString();
    }

    /// <summary>
    /// The stamps (with their disks) of the files a lost backup job writes: only files of this driver's naming for this
    /// domain, in this host's staging directory. A job someone else started elsewhere is aborted but none of its files touched.
    /// </summary>
    private Dictionary<string, List<string>> LostAttemptStamps(Hypervisor host, string domain, IReadOnlyList<KeyValuePair<string, string>> targets)
    {
        var stamps = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (dev, file) in targets)
        {
            if (LibvirtFileNames.StampOfDiskFile(domain, dev, Path.GetFileName(file)) is { } stamp
                && file == StagingPathOf(host, LibvirtFileNames.DiskFile(domain, stamp, dev)))
            {
                (stamps.TryGetValue(stamp, out var devs) ? devs : stamps[stamp] = []).Add(dev);
            }
        }
        return stamps;
    }

    public async Task<BackupOutcome> BackupAsync(Hypervisor host, BackupRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reporter);
        var domain = LibvirtProfile.DomainOf(request.Vm);
        var options = LibvirtBackupOptions.From(request.Options);
        var stamp = LibvirtFileNames.Stamp(clock.UtcNow);
        var label = LibvirtFileNames.Label(domain, stamp);
        var warnings = new List<string>();

        var state = await StateAsync(host, domain, ct);
        var running = state is VmPowerState.Running or VmPowerState.Paused;
        var definition = LibvirtDomainXml.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: !running), ct)).StandardOutput);
        var fileDisks = definition.Disks.Where(d => d.IsFile).ToList();
        var skipped = definition.Disks.Where(d => !d.IsFile).Select(d => d.Dev).ToList();
        foreach (var disk in definition.Disks.Where(d => !d.IsFile))
        {
            warnings.Add($"Disk {disk.Dev} of domain {domain} is a {disk.Type} disk, not a file: the restore point does not hold it.");
            reporter.Log(warnings[^1]);
        }
        if (fileDisks.Count == 0)
        {
            throw new HypervisorCommandException($"Domain {domain} on {host.Name} has no file disk to back up.", 0, []);
        }
        if (fileDisks.FirstOrDefault(d => !LibvirtFileNames.IsDev(d.Dev) || !HostPath.IsValid(d.Source)) is { } odd)
        {
            throw new HypervisorCommandException(
                $"Disk {odd.Dev} of domain {domain} ({odd.Source}) has a target or path this driver does not pass to a shell; nothing was backed up.", 0, []);
        }
        var capacities = LibvirtInventoryParser.Capacities((await runner.RunCheckedAsync(host, LibvirtCommands.DomBlkInfo(domain), ct)).StandardOutput);
        var checkpoints = running
            ? Lines((await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointNames(domain), ct)).StandardOutput)
            : [];
        var plan = LibvirtBackupPlanner.Plan(options, request.Base, running, definition.Uuid, fileDisks.Select(d => d.Dev).ToList(),
            fileDisks.All(d => d.Format == "qcow2"), checkpoints, host.Name);
        reporter.Log(plan.Reason);

        var disks = fileDisks.Select(d => new LibvirtPointDisk(d.Dev, capacities.GetValueOrDefault(d.Dev), LibvirtFileNames.DiskFile(domain, stamp, d.Dev))).ToList();
        var xmlFile = LibvirtFileNames.XmlFile(domain, stamp);
        var nvramFile = definition.Nvram is null ? null : LibvirtFileNames.NvramFile(domain, stamp);
        if (definition.Nvram is not null && !HostPath.IsValid(definition.Nvram))
        {
            throw new HypervisorCommandException($"The NVRAM path of domain {domain} ({definition.Nvram}) is not one this driver passes to a shell; nothing was backed up.", 0, []);
        }
        var checkpoint = plan.MakeCheckpoint ? LibvirtFileNames.Checkpoint(stamp) : null;
        var leftovers = disks.SelectMany(d => LibvirtCommands.LeftoversOf(StagingPathOf(host, d.File)))
            .Concat([StagingPathOf(host, xmlFile), StagingPathOf(host, xmlFile) + ".part"])
            .Concat(nvramFile is null ? [] : [StagingPathOf(host, nvramFile), StagingPathOf(host, nvramFile) + ".part"])
            .ToList();
        var begun = false;
        string consistency;
        try
        {
            if (running)
            {
                var frozen = await FreezeAsync(host, domain, reporter, ct);
                try
                {
                    var backupXml = LibvirtBackupXml.Backup(
                        disks.Select(d => KeyValuePair.Create(d.Dev, StagingPathOf(host, d.File))).ToList(), skipped, plan.BaseCheckpoint);
                    var checkpointXml = checkpoint is null ? null
                        : LibvirtBackupXml.Checkpoint(checkpoint, $"DrPortal restore point {label}", disks.Select(d => d.Dev), skipped);
                    await runner.RunCheckedAsync(host, LibvirtCommands.BackupBegin(domain, host.StagingDirectory, backupXml, checkpointXml), ct);
                    begun = true;
                    reporter.Log($"Backup job started in domain {domain}" + (checkpoint is null ? "." : $", with checkpoint {checkpoint}."));
                }
                finally
                {
                    if (frozen)
                    {
                        await ThawAsync(host, domain, reporter, warnings);
                    }
                }
                consistency = frozen ? "frozen" : "crash";
                await WaitForBackupAsync(host, domain, reporter, ct);
                foreach (var disk in disks)
                {
                    await runner.RunCheckedAsync(host, LibvirtCommands.FinishBackupDisk(StagingPathOf(host, disk.File), options.Compress), ct);
                }
            }
            else
            {
                consistency = "stopped";
                reporter.Log($"Domain {domain} is stopped: its disks are copied as they are (a full point, no checkpoint).");
                for (var i = 0; i < fileDisks.Count; i++)
                {
                    reporter.Progress(new StageProgress(100.0 * i / fileDisks.Count, 0, null));
                    var command = LibvirtCommands.CopyStoppedDisk(fileDisks[i].Source!, fileDisks[i].Format, StagingPathOf(host, disks[i].File), options.Compress);
                    var result = await runner.RunTrackedAsync(host, command, reporter, _ => false, ct);
                    if (!result.Succeeded)
                    {
                        throw HostCommandRunner.Failure(host, command, result);
                    }
                }
            }
            await runner.RunCheckedAsync(host, LibvirtCommands.SaveDomainXml(domain, StagingPathOf(host, xmlFile)), ct);
            if (nvramFile is not null)
            {
                await runner.RunCheckedAsync(host, LibvirtCommands.CopyFile(definition.Nvram!, StagingPathOf(host, nvramFile)), ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            await CleanUpFailedBackupAsync(host, domain, begun && running, checkpoint, leftovers, reporter);
            throw;
        }

        if (plan.BaseCheckpoint is { } usedBase)
        {
            await DeleteCheckpointsOlderThanAsync(host, domain, usedBase, checkpoints, reporter);
        }
        var metadata = new LibvirtPointMetadata(stamp, checkpoint, plan.BaseCheckpoint, definition.Uuid, plan.Chain, consistency, disks, xmlFile, nvramFile);
        var files = disks.Select(d => new HostFile(d.File, "disk", StagingPathOf(host, d.File)))
            .Append(new HostFile(xmlFile, "domain-xml", StagingPathOf(host, xmlFile)))
            .Concat(nvramFile is null ? [] : [new HostFile(nvramFile, "nvram", StagingPathOf(host, nvramFile))])
            .ToList();
        reporter.Log($"Restore point {label}: {(plan.Incremental ? "incremental" : "full")}, {disks.Count} disk(s), " + consistency switch
        {
            "frozen" => "guest file systems frozen at the point.",
            "crash" => "crash-consistent.",
            _ => "copied while stopped.",
        });
        return new BackupOutcome(files, label, metadata.ToJson(), plan.Incremental ? request.Base!.Id : null, warnings);
    }

    public async Task<RestoreOutcome> RestoreAsync(Hypervisor host, RestoreRequest request, IStageReporter reporter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reporter);
        var domain = LibvirtProfile.DomainOf(request.Target);
        var storage = StorageOf(host, request.Storage);
        var chain = ChainOf(request.Chain);
        var top = chain[^1];
        var warnings = new List<string>();

        var exists = await ExistsAsync(host, domain, ct);
        if (exists && !request.Force)
        {
            throw new HypervisorCommandException(
                $"Domain {domain} already exists on {host.Name} and replacing it was not allowed; nothing was changed.", 0, []);
        }
        var stamp = LibvirtFileNames.Stamp(clock.UtcNow);
        var newDisks = top.Meta.Disks.ToDictionary(d => d.Dev, d => HostPath.Combine(storage, LibvirtFileNames.RestoredDisk(domain, stamp, d.Dev)), StringComparer.Ordinal);
        var newNvram = top.Meta.NvramFile is null ? null : HostPath.Combine(storage, LibvirtFileNames.RestoredNvram(domain, stamp));
        var made = newDisks.Values.SelectMany(p => new[] { p, p + ".part" }).Concat(newNvram is null ? [] : [newNvram, newNvram + ".part"]).ToList();
        string? oldXml = null;
        var undefined = false;
        // Before anything is made (a failed restore removes what it made): no file it is about to write may exist, so a
        // domain whose name ends like another's restore stamp (a drill's scratch copy beside its original) never
        // overwrites that other domain's disks.
        await runner.RunCheckedAsync(host, LibvirtCommands.RequireAbsent(newDisks.Values.Concat(newNvram is null ? [] : [newNvram])), ct);
        try
        {
            await runner.RunCheckedAsync(host, LibvirtCommands.EnsureDirectory(storage), ct);
            var index = 0;
            foreach (var disk in top.Meta.Disks)
            {
                var files = chain.Select(p => p.Meta.Disks.FirstOrDefault(d => d.Dev == disk.Dev)?.File
                        ?? throw new HypervisorCommandException($"Restore point {p.Point.Label} holds no file of disk {disk.Dev}; the chain cannot be rebuilt.", 0, []))
                    .Select(f => StagingPathOf(host, f)).ToList();
                reporter.Progress(new StageProgress(100.0 * index++ / top.Meta.Disks.Count, 0, null));
                reporter.Log($"Rebuilding disk {disk.Dev} of {top.Point.Label} from {files.Count} file(s) into {newDisks[disk.Dev]}.");
                var command = LibvirtCommands.RebuildDisk(files, newDisks[disk.Dev] + ".part");
                var result = await runner.RunTrackedAsync(host, command, reporter, _ => false, ct);
                if (!result.Succeeded)
                {
                    throw HostCommandRunner.Failure(host, command, result);
                }
            }
            if (newNvram is not null)
            {
                await runner.RunCheckedAsync(host, LibvirtCommands.CopyFile(StagingPathOf(host, top.Meta.NvramFile!), newNvram), ct);
            }
            var savedXml = (await runner.RunCheckedAsync(host, LibvirtCommands.ReadFile(StagingPathOf(host, top.Meta.XmlFile)), ct)).StandardOutput;
            string newXml;
            try
            {
                newXml = LibvirtDomainXml.Restored(savedXml, domain, newDisks, newNvram);
            }
            catch (FormatException ex)
            {
                throw new HypervisorCommandException($"The saved definition of {top.Point.Label} cannot be restored: {ex.Message}", 0, []);
            }

            // Every disk is rebuilt: only now is the old target touched.
            if (exists)
            {
                oldXml = (await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput;
                await StopAsync(host, request.Target, ct);
                await runner.RunCheckedAsync(host, LibvirtCommands.Undefine(domain, keepNvram: true), ct);
                undefined = true;
                reporter.Log($"Undefined the old domain {domain} on {host.Name}; its disks stay until the new one is defined.");
            }
            foreach (var path in newDisks.Values)
            {
                await runner.RunCheckedAsync(host, LibvirtCommands.MoveFile(path + ".part", path), ct);
            }
            await runner.RunCheckedAsync(host, LibvirtCommands.Define(storage, newXml), ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            await CleanUpFailedRestoreAsync(host, domain, storage, made, undefined ? oldXml : null, reporter);
            throw;
        }

        if (oldXml is not null)
        {
            await RemoveReplacedAsync(host, LibvirtDomainXml.Parse(oldXml), newDisks.Values.Append(newNvram ?? "").ToHashSet(StringComparer.Ordinal), reporter, warnings);
        }
        reporter.Progress(new StageProgress(100, 0, null));
        reporter.Log($"Domain {domain} defined on {host.Name} from {top.Point.Label} ({(chain.Count == 1 ? "a full point" : $"a full point and {chain.Count - 1} incremental(s)")}), " +
                     $"{newDisks.Count} disk(s) in {storage}; libvirt gave it a new UUID. It is stopped.");
        return new RestoreOutcome(warnings);
    }

    public async Task<IReadOnlyList<string>> SetNetworkLinksAsync(Hypervisor host, VmRef vm, bool up, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        var before = LibvirtDomainXml.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput).Nics;
        foreach (var nic in before.Where(n => n.LinkDown == up))
        {
            if (nic.Mac is null)
            {
                throw new HypervisorCommandException($"An interface of domain {domain} on {host.Name} has no MAC address to name it by.", 0, []);
            }
            await runner.RunCheckedAsync(host, LibvirtCommands.SetLink(domain, nic.Mac, up), ct);
        }
        // Read back: the domain is only started when its definition shows every link as wanted, with its MAC kept.
        var after = LibvirtDomainXml.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput).Nics;
        var wrong = after.Select((n, i) => (Nic: n, Name: $"net{i}"))
            .Where((x, i) => x.Nic.LinkDown == up || i >= before.Count || !string.Equals(x.Nic.Mac, before[i].Mac, StringComparison.OrdinalIgnoreCase))
            .Select(x => x.Name).ToList();
        if (wrong.Count > 0 || after.Count != before.Count)
        {
            throw new HypervisorCommandException(
                $"Domain {domain} on {host.Name}: after setting the links {(up ? "up" : "down")}, the definition does not show it for {(wrong.Count > 0 ? string.Join(", ", wrong) : "every interface")}.",
                0, []);
        }
        return after.Select((_, i) => $"net{i}").ToList();
    }

    public async Task<IReadOnlyList<HostNetwork>> ListNetworksAsync(Hypervisor host, CancellationToken ct) =>
        (await NetworksAsync(host, ct)).Select(n => n.ToHostNetwork()).ToList();

    public async Task<IReadOnlyList<VmNic>> ListNicsAsync(Hypervisor host, VmRef vm, CancellationToken ct) =>
        NicsOf(await InterfacesAsync(host, LibvirtProfile.DomainOf(vm), ct));

    public async Task<IReadOnlyList<VmNic>> ApplyNetworkAsync(Hypervisor host, VmRef vm, IReadOnlyList<NicMapping> mapping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(mapping);
        var domain = LibvirtProfile.DomainOf(vm);
        if (!await ExistsAsync(host, domain, ct))
        {
            throw new HypervisorCommandException($"Domain {domain} does not exist on {host.Name}; no network was mapped.", 0, []);
        }
        if (await StateAsync(host, domain, ct) is not VmPowerState.Stopped)
        {
            throw new HypervisorCommandException(
                $"Domain {domain} on {host.Name} is not stopped: its network is mapped only before it starts; nothing was changed.", 0, []);
        }
        var xml = (await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput;
        var before = Parsed(() => LibvirtDomainXml.Interfaces(xml), domain, host);
        var networks = mapping.Count == 0 ? [] : await NetworksAsync(host, ct);
        // Every check before the first change: a mapping that cannot be applied whole changes nothing.
        var changes = LibvirtNetworkMapping.Resolve(domain, host.Name, before, networks, mapping);
        if (changes.Count == 0)
        {
            return NicsOf(before);
        }
        string newXml;
        try
        {
            newXml = LibvirtDomainXml.WithNetwork(xml, changes);
        }
        catch (FormatException ex)
        {
            throw new HypervisorCommandException($"Domain {domain} on {host.Name}: {ex.Message} Nothing was changed.", 0, []);
        }
        await runner.RunCheckedAsync(host, LibvirtCommands.Define(host.StagingDirectory, newXml), ct);

        // Read back: the domain starts only when its definition shows every mapped NIC as asked.
        var after = await InterfacesAsync(host, domain, ct);
        var wrong = LibvirtNetworkMapping.Mismatches(before, after, changes);
        if (wrong.Count > 0)
        {
            throw new HypervisorCommandException(
                $"Domain {domain} on {host.Name}: after the network mapping, the definition does not show it for {string.Join("; ", wrong)}.", 0, []);
        }
        return NicsOf(after);
    }

    public async Task<GuestAgentReply> PingGuestAgentAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        var command = LibvirtCommands.AgentPing(domain);
        // virsh gives the agent 3 s; this bounds a virsh that hangs on a stuck daemon.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(AgentPingBound);
        RemoteResult result;
        try
        {
            result = await runner.Shell.RunAsync(SshEndpoint.For(host), command, bound.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new GuestAgentReply(GuestAgentState.NoAnswer, $"virsh did not return within {AgentPingBound.TotalSeconds:0} s.");
        }
        return LibvirtAgentReplyParser.Classify(result) ?? throw HostCommandRunner.Failure(host, command, result);
    }

    public async Task ShutdownAsync(Hypervisor host, VmRef vm, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var domain = LibvirtProfile.DomainOf(vm);
        if (await StateAsync(host, domain, ct) is VmPowerState.Stopped)
        {
            return;
        }
        var started = clock.UtcNow;
        var command = LibvirtCommands.Shutdown(domain);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(timeout);
        try
        {
            var result = await runner.Shell.RunAsync(SshEndpoint.For(host), command, bound.Token);
            if (!result.Succeeded && await StateAsync(host, domain, ct) is not VmPowerState.Stopped)
            {
                var failure = HostCommandRunner.Failure(host, command, result);
                throw new HypervisorCommandException($"Domain {domain} on {host.Name} did not take the shutdown request ({failure.Message}); it still runs.",
                    result.ExitStatus, failure.LastLines);
            }
            while (await StateAsync(host, domain, bound.Token) is not VmPowerState.Stopped)
            {
                await Task.Delay(ShutdownPoll, bound.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            if (await StateAsync(host, domain, ct) is VmPowerState.Stopped)
            {
                return;
            }
            throw new HypervisorCommandException(
                $"Domain {domain} on {host.Name} did not shut down within {timeout.TotalSeconds:0.#} s of being asked (guest agent, then ACPI); " +
                $"it still runs: nothing forced it off ({(clock.UtcNow - started).TotalSeconds:0.#} s waited).", 0, []);
        }
    }

    public async Task<VmRef> FreeScratchVmAsync(Hypervisor host, string hint, IReadOnlySet<string> taken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var existing = Lines((await runner.RunCheckedAsync(host, LibvirtCommands.DomainNames(), ct)).StandardOutput);
        var name = LibvirtScratchName.Make(hint, existing.Concat(taken));
        return profile.CheckVmRef(name) is { } problem
            ? throw new HypervisorCommandException($"The scratch name '{name}' is not a domain name: {problem}", 0, [])
            : VmRef.Of(name);
    }

    public async Task DestroyAsync(Hypervisor host, VmRef vm, CancellationToken ct)
    {
        var domain = LibvirtProfile.DomainOf(vm);
        if (!await ExistsAsync(host, domain, ct))
        {
            return;
        }
        var definition = LibvirtDomainXml.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput);
        await StopAsync(host, vm, ct);
        await runner.RunCheckedAsync(host, LibvirtCommands.Undefine(domain, keepNvram: false), ct);
        // Only disks this driver defines: files in the host's restore storage, never a disk the domain shares from elsewhere.
        var storage = StorageOf(host, host.RestoreStorage);
        var ours = definition.Disks.Where(d => d.IsFile && HostPath.IsValid(d.Source) && Path.GetDirectoryName(d.Source) == storage)
            .Select(d => d.Source!).ToList();
        if (ours.Count > 0)
        {
            await runner.RunCheckedAsync(host, LibvirtCommands.RemoveFiles(ours), ct);
        }
    }

    private async Task<IReadOnlyList<LibvirtHostNetwork>> NetworksAsync(Hypervisor host, CancellationToken ct)
    {
        var output = (await runner.RunCheckedAsync(host, LibvirtCommands.Networks(), ct)).StandardOutput;
        try
        {
            return LibvirtNetworkParser.Parse(output);
        }
        catch (FormatException ex)
        {
            throw new HypervisorCommandException($"The networks of {host.Name} could not be read: {ex.Message}", 0, []);
        }
    }

    private async Task<IReadOnlyList<LibvirtInterface>> InterfacesAsync(Hypervisor host, string domain, CancellationToken ct)
    {
        var xml = (await runner.RunCheckedAsync(host, LibvirtCommands.DumpXml(domain, inactive: true), ct)).StandardOutput;
        return Parsed(() => LibvirtDomainXml.Interfaces(xml), domain, host);
    }

    private static T Parsed<T>(Func<T> parse, string domain, Hypervisor host)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex)
        {
            throw new HypervisorCommandException($"The definition of domain {domain} on {host.Name} could not be read: {ex.Message}", 0, []);
        }
    }

    private static List<VmNic> NicsOf(IReadOnlyList<LibvirtInterface> interfaces) =>
        interfaces.Select((i, n) => new VmNic($"net{n}", i.Mac?.ToUpperInvariant(), i.Source, i.VlanTag, !i.LinkDown, i.Model)).ToList();

    private async Task<VmPowerState> StateAsync(Hypervisor host, string domain, CancellationToken ct)
    {
        var result = await runner.RunCheckedAsync(host, LibvirtCommands.DomState(domain), ct);
        return LibvirtInventoryParser.State(Lines(result.StandardOutput).FirstOrDefault());
    }

    private async Task<bool> ExistsAsync(Hypervisor host, string domain, CancellationToken ct) =>
        Lines((await runner.RunCheckedAsync(host, LibvirtCommands.DomainNames(), ct)).StandardOutput).Contains(domain);

    private static List<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private string StorageOf(Hypervisor host, string? storage)
    {
        var directory = storage ?? LibvirtProfile.ImagesDirectory;
        return profile.CheckRestoreStorage(directory) is { } problem
            ? throw new HypervisorCommandException($"Restore storage '{directory}' of {host.Name}: {problem}", 0, [])
            : directory;
    }

    /// <summary>The chain with each point's metadata, checked to be whole: a full point, then each incremental on its parent's checkpoint.</summary>
    private static List<(RestorePointInfo Point, LibvirtPointMetadata Meta)> ChainOf(IReadOnlyList<RestorePointInfo> points)
    {
        if (points.Count == 0)
        {
            throw new HypervisorCommandException("No restore point to restore.", 0, []);
        }
        var chain = points.Select(p => (Point: p, Meta: LibvirtPointMetadata.TryParse(p.Metadata)
            ?? throw new HypervisorCommandException($"Restore point {p.Label} carries no libvirt metadata: it is not a libvirt restore point.", 0, []))).ToList();
        if (chain[0].Meta.ParentCheckpoint is not null)
        {
            throw new HypervisorCommandException($"The chain starts with {chain[0].Point.Label}, an incremental point: its full point is missing.", 0, []);
        }
        for (var i = 1; i < chain.Count; i++)
        {
            if (chain[i].Meta.ParentCheckpoint is null || chain[i].Meta.ParentCheckpoint != chain[i - 1].Meta.Checkpoint)
            {
                throw new HypervisorCommandException(
                    $"Restore point {chain[i].Point.Label} does not build on {chain[i - 1].Point.Label} (checkpoint {chain[i].Meta.ParentCheckpoint ?? "none"} vs {chain[i - 1].Meta.Checkpoint ?? "none"}): the chain is broken.", 0, []);
            }
        }
        return chain;
    }

    private async Task<bool> FreezeAsync(Hypervisor host, string domain, IStageReporter reporter, CancellationToken ct)
    {
        var result = await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.FsFreeze(domain), ct);
        if (result.Succeeded)
        {
            reporter.Log($"Guest file systems of {domain} frozen through the guest agent: {result.StandardOutput.Trim()}");
            return true;
        }
        reporter.Log($"Domain {domain}: no guest agent answered: the point is crash-consistent ({OneLine(result.StandardError)}).");
        return false;
    }

    /// <summary>Thaws whatever happened before: a guest left frozen stops writing. Tried twice, never cancelled.</summary>
    private async Task ThawAsync(Hypervisor host, string domain, IStageReporter reporter, List<string> warnings)
    {
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            try
            {
                var result = await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.FsThaw(domain), timeout.Token);
                if (result.Succeeded)
                {
                    reporter.Log($"Guest file systems of {domain} thawed: {result.StandardOutput.Trim()}");
                    return;
                }
                reporter.Log($"Thawing the guest file systems of {domain} failed: {OneLine(result.StandardError)}");
            }
            catch (Exception ex) when (ex is OperationCanceledException or RemoteConnectionException)
            {
                reporter.Log($"Thawing the guest file systems of {domain} failed: {ex.Message}");
            }
        }
        warnings.Add($"The guest file systems of {domain} on {host.Name} could not be thawed: run 'virsh domfsthaw {domain}' there.");
        reporter.Log(warnings[^1]);
    }

    /// <summary>Waits for the backup job, its progress on the live bar; success only when the completed job says Completed.</summary>
    private async Task WaitForBackupAsync(Hypervisor host, string domain, IStageReporter reporter, CancellationToken ct)
    {
        var block = new StringBuilder();
        var completed = new StringBuilder();
        var inCompleted = false;
        void Flush()
        {
            if (DomJobInfoParser.Parse(block.ToString()) is { IsActive: true, BytesTotal: > 0 } job)
            {
                var done = Math.Min(job.BytesProcessed ?? 0, job.BytesTotal.Value);
                reporter.Progress(new StageProgress(100.0 * done / job.BytesTotal.Value, done, job.BytesTotal));
            }
            block.Clear();
        }
        var command = LibvirtCommands.WaitForJob(domain);
        // Every line is progress: the runner logs the first and the last, and the outcome is logged below in a sentence.
        var result = await runner.RunTrackedAsync(host, command, reporter, line =>
        {
            if (inCompleted)
            {
                completed.AppendLine(line);
            }
            else if (line == LibvirtCommands.CompletedMarker)
            {
                Flush();
                inCompleted = true;
            }
            else if (line == LibvirtCommands.PollMarker)
            {
                Flush();
            }
            else
            {
                block.AppendLine(line);
            }
            return true;
        }, ct);
        if (!result.Succeeded)
        {
            throw HostCommandRunner.Failure(host, command, result);
        }
        var job = DomJobInfoParser.Parse(completed.ToString());
        if (job is not { Completed: true } || (job.Operation is not null && !job.IsBackup))
        {
            throw new HypervisorCommandException(
                $"The backup job of domain {domain} on {host.Name} did not complete: " +
                (job is null ? "libvirt reports no completed job." : $"job {job.JobType}{(job.ErrorMessage is null ? "" : ": " + job.ErrorMessage)}."),
                result.ExitStatus, HostCommandRunner.LastLines(result));
        }
        if (job.BytesTotal is > 0)
        {
            reporter.Progress(new StageProgress(100, job.BytesProcessed ?? job.BytesTotal.Value, job.BytesTotal));
        }
        reporter.Log($"The backup job of domain {domain} completed: {ByteSize.Format(job.BytesProcessed ?? 0)} written.");
    }

    private async Task WaitForNoJobAsync(Hypervisor host, string domain, CancellationToken ct)
    {
        for (var i = 0; i < 60; i++)
        {
            var job = DomJobInfoParser.Parse((await runner.RunCheckedAsync(host, LibvirtCommands.JobInfo(domain), ct)).StandardOutput);
            if (job is not { IsActive: true })
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
        throw new HypervisorCommandException($"The job of domain {domain} on {host.Name} did not end within 30 s of being aborted.", 0, []);
    }

    /// <summary>
    /// After an incremental built on <paramref name="usedBase"/>, this driver's checkpoints older than that base can never
    /// be a base again (the next point builds on the base or the new one): each keeps a dirty bitmap that QEMU updates on
    /// every guest write, so they are deleted, oldest first. Checkpoints not of this driver's naming are never touched.
    /// A failure here costs a little write overhead, not the point: it is logged and the backup stands.
    /// </summary>
    private async Task DeleteCheckpointsOlderThanAsync(Hypervisor host, string domain, string usedBase, IReadOnlyList<string> checkpoints, IStageReporter reporter)
    {
        var stale = checkpoints.Where(c => LibvirtFileNames.IsCheckpoint(c) && string.CompareOrdinal(c, usedBase) < 0).Order(StringComparer.Ordinal).ToList();
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            foreach (var old in stale)
            {
                await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointDelete(domain, old), timeout.Token);
                reporter.Log($"Deleted checkpoint {old} of domain {domain}: it is older than the base {usedBase}, so no later point builds on it.");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            reporter.Log($"Deleting the old checkpoints of domain {domain} on {host.Name} did not finish ({ex.Message}); the restore point is complete.");
        }
    }

    /// <summary>A failed or cancelled backup leaves nothing: the job aborted, its checkpoint deleted, its files removed.</summary>
    private async Task CleanUpFailedBackupAsync(Hypervisor host, string domain, bool jobStarted, string? checkpoint, List<string> files, IStageReporter reporter)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            if (jobStarted)
            {
                var job = DomJobInfoParser.Parse((await runner.Shell.RunAsync(SshEndpoint.For(host), LibvirtCommands.JobInfo(domain), timeout.Token)).StandardOutput);
                if (job is { IsActive: true, IsBackup: true })
                {
                    await runner.RunCheckedAsync(host, LibvirtCommands.JobAbort(domain), timeout.Token);
                    await WaitForNoJobAsync(host, domain, timeout.Token);
                    reporter.Log($"Aborted the backup job in domain {domain}.");
                }
                if (checkpoint is not null
                    && Lines((await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointNames(domain), timeout.Token)).StandardOutput).Contains(checkpoint))
                {
                    await runner.RunCheckedAsync(host, LibvirtCommands.CheckpointDelete(domain, checkpoint), timeout.Token);
                    reporter.Log($"Deleted checkpoint {checkpoint}: no restore point holds it.");
                }
            }
            await runner.RunCheckedAsync(host, LibvirtCommands.RemoveFiles(files), timeout.Token);
            reporter.Log($"Removed the half-written files of the backup from {host.StagingDirectory}.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            reporter.Log($"Cleaning up after the failed backup of {domain} on {host.Name} did not finish: {ex.Message}");
        }
    }

    /// <summary>A failed restore removes what it made and, when it had undefined the old domain, defines that again (its disks were kept).</summary>
    private async Task CleanUpFailedRestoreAsync(Hypervisor host, string domain, string storage, List<string> made, string? oldXml, IStageReporter reporter)
    {
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            if (oldXml is not null)
            {
                if (await ExistsAsync(host, domain, timeout.Token))
                {
                    await runner.RunCheckedAsync(host, LibvirtCommands.Undefine(domain, keepNvram: true), timeout.Token);
                }
                await runner.RunCheckedAsync(host, LibvirtCommands.Define(storage, oldXml), timeout.Token);
                reporter.Log($"The old definition of domain {domain} is back on {host.Name}, on its own disks.");
            }
            await runner.RunCheckedAsync(host, LibvirtCommands.RemoveFiles(made), timeout.Token);
            reporter.Log($"Removed the disks the failed restore had made in {storage}.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            reporter.Log($"Cleaning up after the failed restore of {domain} on {host.Name} did not finish: {ex.Message}");
        }
    }

    /// <summary>The replaced domain's own files, once the new domain is defined: its file disks and NVRAM, none the new one uses.</summary>
    private async Task RemoveReplacedAsync(Hypervisor host, LibvirtDomain old, HashSet<string> keep, IStageReporter reporter, List<string> warnings)
    {
        var files = old.Disks.Where(d => d.IsFile).Select(d => d.Source!).Append(old.Nvram ?? "")
            .Where(p => p.Length > 0 && !keep.Contains(p)).ToList();
        var unsafePaths = files.Where(p => !HostPath.IsValid(p)).ToList();
        foreach (var path in unsafePaths)
        {
            warnings.Add($"The replaced domain's file {path} was left on {host.Name}: its path is not one this driver passes to a shell.");
            reporter.Log(warnings[^1]);
        }
        var removable = files.Except(unsafePaths).ToList();
        if (removable.Count == 0)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await runner.RunCheckedAsync(host, LibvirtCommands.RemoveFiles(removable), timeout.Token);
            reporter.Log($"Removed the replaced domain's files: {string.Join(", ", removable)}.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or HypervisorCommandException or RemoteConnectionException)
        {
            warnings.Add($"The replaced domain's files could not be removed from {host.Name}: {ex.Message}");
            reporter.Log(warnings[^1]);
        }
    }

    private static string OneLine(string text) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } line ? line : "no message";
}
